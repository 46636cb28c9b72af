import { describe, expect, it } from "vitest";
import {
  type ModuleRegistryError,
  TENANT_CONTEXT_KEY,
  type TenantContext,
  createContainer,
  tenantContext,
  token,
} from "../src/index.js";
import { Journal, manifestOf, mod } from "./support.js";

class Config {
  readonly name = "config";
}
class Database {
  constructor(readonly config: Config) {}
}
interface Mailer {
  send(to: string): string;
}
class SmtpMailer implements Mailer {
  send(to: string): string {
    return `smtp:${to}`;
  }
}
class OtherMailer implements Mailer {
  send(to: string): string {
    return `other:${to}`;
  }
}
class Notifier {
  constructor(readonly mailer: Mailer) {}
}
class Plugin {
  constructor(readonly db: Database) {}
}
class PluginB {
  constructor(readonly plugin: Plugin) {}
}
class Tasks {
  constructor(
    readonly db: Database,
    readonly ctx: { tenant: string },
  ) {}
}
class Reports {
  constructor(readonly tasks: Tasks) {}
}

const MAILER = "app#Mailer";
const CONTEXT = "t#Context";
const app = () =>
  manifestOf(
    mod("config", Config, { version: "1.5.0" }),
    mod("database", Database, { deps: [{ id: "config" }] }),
    mod("smtp", SmtpMailer, { provides: [MAILER] }),
    mod("notifier", Notifier, { deps: [{ iface: MAILER }] }),
    mod("tasks", Tasks, { tenant: true, deps: [{ id: "database" }, { iface: CONTEXT }] }),
  );

describe("Container.load after start (runtime registration)", () => {
  it("adds a plugin to a running container without rebuilding anything", async () => {
    const built: string[] = [];
    const container = createContainer(app());
    container.on("built", (e) => built.push(e.id));
    await container.start();
    const db = container.get(Database);
    built.length = 0;
    container.load({
      formatVersion: 1,
      package: "plugin",
      modules: [
        mod("plugin", Plugin, { deps: [{ id: "database" }] }),
        mod("plugin-b", PluginB, { deps: [{ id: "plugin", range: "^1.0.0" }] }),
      ].map((m) => (m.id === "plugin" ? { ...m, version: "1.2.0" } : m)),
    });
    expect(container.has("plugin")).toBe(true);
    expect(container.get(PluginB).plugin.db).toBe(db);
    expect(built).toEqual(["plugin", "plugin-b"]);
    expect(container.manifests().map((m) => m.package)).toEqual([undefined, "plugin"]);
  });

  it("refuses a manifest with a duplicate id, a version mismatch, a missing dependency or a cycle, loading none of it", async () => {
    const container = createContainer(app());
    await container.start();
    const attempt = (modules: ReturnType<typeof mod>[]) => {
      try {
        container.load({ formatVersion: 1, package: "bad", modules });
      } catch (error) {
        return error as ModuleRegistryError;
      }
      throw new Error("expected load() to throw");
    };
    expect(attempt([mod("config", class Other {})]).code).toBe("MODULE_DUPLICATE_ID");
    expect(attempt([mod("p", Plugin, { deps: [{ id: "config", range: "^2.0.0" }] })]).code).toBe(
      "MODULE_VERSION_MISMATCH",
    );
    expect(attempt([mod("p", Plugin, { deps: [{ id: "nope" }] })]).code).toBe("MODULE_DEPENDENCY_MISSING");
    const cycle = attempt([
      mod("a", Plugin, { deps: [{ id: "b" }] }),
      mod("b", PluginB, { deps: [{ id: "a" }] }),
    ]);
    expect(cycle.code).toBe("MODULE_CIRCULAR_DEPENDENCY");
    expect(cycle.path).toEqual(["a", "b", "a"]);
    expect(container.has("p") || container.has("a")).toBe(false);
    expect(container.manifests()).toHaveLength(1);
  });

  it("refuses a provider that would make an interface in use ambiguous", async () => {
    const container = createContainer(app());
    await container.start();
    const error = (() => {
      try {
        container.load(manifestOf(mod("other", OtherMailer, { provides: [MAILER] })));
      } catch (e) {
        return e as ModuleRegistryError;
      }
      return undefined;
    })();
    expect(error?.code).toBe("MODULE_AMBIGUOUS_PROVIDER");
    expect(error?.message).toMatch(/module "notifier" uses "smtp" for interface Mailer, /);
    expect(error?.key).toBe(MAILER);
    expect(error?.modules).toEqual(["other", "smtp"]);
    expect(container.get(Notifier).mailer.send("a")).toBe("smtp:a");
  });

  it("keeps tenant modules inactive in the root container", async () => {
    const container = createContainer(app());
    await container.start();
    const info = container.modules().find((m) => m.id === "tasks")!;
    expect(info).toMatchObject({ active: false, tenant: true, state: "inactive" });
    expect(info.inactiveReason).toMatch(/tenant module/);
    expect(() => container.get(Tasks)).toThrow(/MODULE_NOT_FOUND.*tenant module/);
  });

  it("refuses a shared module that depends on a tenant module, at start and at runtime registration", async () => {
    const shared = mod("reports", Reports, { deps: [{ id: "tasks" }] });
    const container = createContainer(manifestOf(...app().modules, shared));
    await expect(container.start()).rejects.toThrow(/MODULE_DEPENDENCY_MISSING.*"tasks".*tenant module/s);
    const running = createContainer(app());
    await running.start();
    expect(() => running.load(manifestOf(shared))).toThrow(/MODULE_DEPENDENCY_MISSING.*tenant module/s);
    expect(running.has("reports")).toBe(false);
  });
});

describe("child containers with modules of their own", () => {
  const tenantChild = async (tenant: string) => {
    const root = createContainer(app());
    await root.start();
    const records = root.manifests()[0]!.modules.filter((m) => m.tenant === true);
    const child = root.child({ overrides: [{ provide: token(CONTEXT), useValue: { tenant } }] });
    child.load({ formatVersion: 1, modules: records });
    await child.start();
    return { root, child };
  };

  it("builds a tenant module in a child that loaded it, seen only there", async () => {
    const { root, child } = await tenantChild("t1");
    const sibling = root.child();
    await sibling.start();
    expect(child.get(Tasks).ctx.tenant).toBe("t1");
    expect(child.get(Tasks).db).toBe(root.get(Database));
    expect(child.modules().find((m) => m.id === "tasks")).toMatchObject({ active: true, state: "ready" });
    expect(sibling.has("tasks")).toBe(false);
    expect(root.has("tasks")).toBe(false);
  });

  it("lets a grandchild see its parent's modules", async () => {
    const { child } = await tenantChild("t2");
    const grandchild = child.child();
    await grandchild.start();
    expect(grandchild.get(Tasks)).toBe(child.get(Tasks));
  });

  it("registers and loads into a running child, and sees what the root loads later", async () => {
    const { root, child } = await tenantChild("t3");
    child.register(Reports, { params: [Tasks] });
    expect(child.get(Reports).tasks).toBe(child.get(Tasks));
    root.load(manifestOf(mod("plugin", Plugin, { deps: [{ id: "database" }] })));
    expect(child.get(Plugin)).toBe(root.get(Plugin));
  });

  it("refuses a root load that would clash with a child's own module", async () => {
    const { root, child } = await tenantChild("t4");
    child.register(Reports, { id: "reports", params: [Tasks] });
    expect(() => root.load(manifestOf(mod("reports", Plugin, { deps: [{ id: "database" }] })))).toThrow(
      /MODULE_DUPLICATE_ID/,
    );
    expect(root.has("reports")).toBe(false);
  });
});

describe("Container.unload", () => {
  it("disposes and removes modules, refusing while a dependent remains", async () => {
    const journal = new Journal();
    class Disposing extends Plugin {
      onDispose(): void {
        journal.add("dispose plugin");
      }
    }
    class DisposingB extends PluginB {
      onDispose(): void {
        journal.add("dispose plugin-b");
      }
    }
    const container = createContainer(app());
    await container.start();
    container.load(
      manifestOf(
        mod("plugin", Disposing, { deps: [{ id: "database" }] }),
        mod("plugin-b", DisposingB, { deps: [{ id: "plugin" }] }),
      ),
    );
    container.get(DisposingB);
    const refused = await container.unload("plugin").catch((e: unknown) => e as ModuleRegistryError);
    expect(refused).toMatchObject({ code: "MODULE_IN_USE", modules: ["plugin-b"] });
    expect(container.has("plugin")).toBe(true);
    await container.unload(["plugin", "plugin-b"]);
    expect(journal.entries).toEqual(["dispose plugin-b", "dispose plugin"]);
    expect(container.has("plugin")).toBe(false);
    container.load(manifestOf(mod("plugin", Plugin, { deps: [{ id: "database" }] })));
    expect(container.get(Plugin).db).toBe(container.get(Database));
  });

  it("restores the parent's tenant template when a child unloads its copy", async () => {
    const root = createContainer(app());
    await root.start();
    const child = root.child({ overrides: [{ provide: token(CONTEXT), useValue: { tenant: "x" } }] });
    child.load({ formatVersion: 1, modules: root.manifests()[0]!.modules.filter((m) => m.tenant) });
    await child.start();
    child.get(Tasks);
    await child.unload("tasks");
    expect(child.has("tasks")).toBe(false);
    expect(child.modules().find((m) => m.id === "tasks")).toMatchObject({ active: false, tenant: true });
    await expect(child.unload("database")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(child.unload("nope")).rejects.toMatchObject({ code: "MODULE_NOT_FOUND" });
  });
});

describe("Container.dispose with children", () => {
  it("disposes live children first, newest first", async () => {
    const journal = new Journal();
    class Held {
      constructor(readonly name: string) {}
      onDispose(): void {
        journal.add(`dispose ${this.name}`);
      }
    }
    class RootHeld extends Held {
      constructor() {
        super("root");
      }
    }
    const root = createContainer(manifestOf(mod("held", RootHeld)));
    await root.start();
    const children = ["a", "b"].map((name) => {
      const child = root.child();
      child.register(
        class extends Held {
          constructor() {
            super(name);
          }
        },
        { id: `held-${name}` },
      );
      return child;
    });
    for (const child of children) await child.start();
    for (const [i, child] of children.entries()) child.get(`held-${["a", "b"][i]!}`);
    await root.dispose();
    expect(journal.entries).toEqual(["dispose b", "dispose a", "dispose root"]);
    expect(() => children[0]!.get("held-a")).toThrow(/CONTAINER_DISPOSED/);
  });
});

describe("the tenant option", () => {
  it("is a boolean in @Module and in a manifest record", async () => {
    const { Module } = await import("../src/index.js");
    expect(() => Module({ tenant: "yes" as never })(class Bad {})).toThrow(/tenant must be a boolean/);
    expect(() => createContainer(manifestOf({ ...mod("x", Config), tenant: 1 as never }))).toThrow(
      /INVALID_MANIFEST.*tenant must be a boolean/,
    );
  });

  it("rejects an id with control characters, so nobody can forge an internal id", async () => {
    const { Module } = await import("../src/index.js");
    expect(() => Module({ id: "\0override" })(class Forged {})).toThrow(/control characters/);
  });
});

describe("a child's own features and TenantContext", () => {
  class Reporting {
    constructor(readonly ctx: TenantContext) {}
  }
  const records = () =>
    manifestOf(
      mod("reporting", Reporting, {
        tenant: true,
        when: { feature: ["reports"] },
        deps: [{ iface: TENANT_CONTEXT_KEY }],
      }),
    ).modules;

  it("evaluates when.feature of the child's own modules against the child's features", async () => {
    const root = createContainer(app());
    await root.start();
    const context = (tenantId: string): TenantContext => ({ tenantId, flags: {}, isEnabled: () => false });
    const on = root.child({
      features: { reports: true },
      overrides: [{ provide: tenantContext, useValue: context("t1") }],
    });
    on.load({ formatVersion: 1, modules: records() });
    await on.start();
    expect(on.get(Reporting).ctx.tenantId).toBe("t1");
    const off = root.child({
      features: [],
      overrides: [{ provide: tenantContext, useValue: context("t2") }],
    });
    off.load({ formatVersion: 1, modules: records() });
    await off.start();
    expect(off.has("reporting")).toBe(false);
    expect(() => root.child({ features: "reports" as never })).toThrow(/INVALID_ARGUMENT.*features/);
  });
});
