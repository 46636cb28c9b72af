import { describe, expect, it } from "vitest";
import { type ModuleRegistryError, createContainer, provide } from "../src/index.js";
import { Journal, manifestOf, mod, prov, tick } from "./support.js";

/** A class that journals its lifecycle; `fail` names the hook that throws. */
function phased(name: string, journal: Journal, options: { fail?: string; slow?: boolean } = {}) {
  const step = async (hook: string): Promise<void> => {
    if (options.slow) await tick(5);
    journal.add(`${hook} ${name}`);
    if (options.fail === hook) throw new Error(`${name} ${hook} broke`);
  };
  return class {
    constructor() {
      journal.add(`build ${name}`);
    }
    onInit(): Promise<void> {
      return step("init");
    }
    onReady(): Promise<void> {
      return step("ready");
    }
    onShutdown(): Promise<void> {
      return step("shutdown");
    }
    onDispose(): Promise<void> {
      return step("dispose");
    }
  };
}

function app(journal: Journal, fail?: { id: string; hook: string }) {
  const opts = (id: string) => (fail?.id === id ? { fail: fail.hook } : {});
  return createContainer(
    manifestOf(
      mod("a", phased("a", journal, opts("a")), { asyncInit: true }),
      mod("b", phased("b", journal, opts("b")), { asyncInit: true, deps: [{ id: "a" }] }),
      mod("c", phased("c", journal, opts("c")), { asyncInit: true, deps: [{ id: "b" }] }),
    ),
  );
}

describe("onReady and onShutdown", () => {
  it("calls onReady after every module is initialized, in load order, and onShutdown before any dispose, in reverse", async () => {
    const journal = new Journal();
    const container = app(journal);
    await container.start();
    expect(journal.entries).toEqual([
      "build a",
      "init a",
      "build b",
      "init b",
      "build c",
      "init c",
      "ready a",
      "ready b",
      "ready c",
    ]);
    journal.entries.length = 0;
    await container.dispose();
    expect(journal.entries).toEqual([
      "shutdown c",
      "shutdown b",
      "shutdown a",
      "dispose c",
      "dispose b",
      "dispose a",
    ]);
  });

  it("rolls back a start whose onReady fails: MODULE_LOAD_FAILED, readied modules shut down, everything disposed", async () => {
    const journal = new Journal();
    const container = app(journal, { id: "b", hook: "ready" });
    const error = (await container.start().catch((e: unknown) => e)) as ModuleRegistryError;
    expect(error).toMatchObject({ code: "MODULE_LOAD_FAILED", moduleId: "b" });
    expect(error.message).toContain('module "b" failed in onReady: b ready broke');
    expect((error.cause as Error).message).toBe("b ready broke");
    expect(journal.entries.slice(6)).toEqual([
      "ready a",
      "ready b",
      "shutdown a",
      "dispose c",
      "dispose b",
      "dispose a",
    ]);
    await expect(container.resolve("a")).rejects.toMatchObject({ code: "CONTAINER_DISPOSED" });
  });

  it("with isolateFailures marks a module whose onReady fails as failed, and readies the others", async () => {
    const journal = new Journal();
    const container = app(journal, { id: "b", hook: "ready" });
    await container.start({ isolateFailures: true });
    expect(journal.entries.slice(6)).toEqual(["ready a", "ready b", "ready c"]);
    expect(container.modules().find((m) => m.id === "b")).toMatchObject({ state: "failed" });
    expect(() => container.get("b")).toThrow(expect.objectContaining({ code: "MODULE_LOAD_FAILED" }));
    journal.entries.length = 0;
    await container.dispose();
    expect(journal.entries).toEqual(["shutdown c", "shutdown a", "dispose c", "dispose b", "dispose a"]);
  });

  it("keeps disposing past a failing onShutdown and reports it in MODULE_DISPOSE_FAILED", async () => {
    const journal = new Journal();
    const container = app(journal, { id: "b", hook: "shutdown" });
    await container.start();
    journal.entries.length = 0;
    const error = (await container.dispose().catch((e: unknown) => e)) as ModuleRegistryError;
    expect(error).toMatchObject({ code: "MODULE_DISPOSE_FAILED", moduleId: "b" });
    expect((error.errors![0] as Error).message).toContain(
      'module "b" failed in onShutdown: b shutdown broke',
    );
    expect(journal.entries).toEqual([
      "shutdown c",
      "shutdown b",
      "shutdown a",
      "dispose c",
      "dispose b",
      "dispose a",
    ]);
    await container.dispose();
  });

  it("bounds a hung onShutdown by initTimeoutMs, so dispose still terminates", async () => {
    const journal = new Journal();
    class Hung {
      onShutdown(): Promise<void> {
        return new Promise(() => undefined);
      }
      onDispose(): void {
        journal.add("dispose hung");
      }
    }
    const container = createContainer(manifestOf(mod("hung", Hung)), { initTimeoutMs: 20 });
    await container.start();
    const error = (await container.dispose().catch((e: unknown) => e)) as ModuleRegistryError;
    expect(error).toMatchObject({ code: "MODULE_DISPOSE_FAILED" });
    expect((error.cause as Error).name).toBe("TimeoutError");
    expect(journal.entries).toEqual(["dispose hung"]);
  });

  it("dispose() during a hung onReady terminates; start() rejects with CONTAINER_DISPOSED", async () => {
    const journal = new Journal();
    class Slow {
      onReady(): Promise<void> {
        return new Promise(() => undefined);
      }
      onShutdown(): void {
        journal.add("shutdown slow");
      }
      onDispose(): void {
        journal.add("dispose slow");
      }
    }
    const container = createContainer(manifestOf(mod("slow", Slow)));
    const starting = container.start().catch((e: unknown) => e);
    await tick();
    await container.dispose();
    expect(await starting).toMatchObject({ code: "CONTAINER_DISPOSED" });
    expect(journal.entries).toEqual(["dispose slow"]);
  });

  it("runs a provider's onReady and onShutdown hooks with its value, and calls none on factory instances", async () => {
    const journal = new Journal();
    const pool = provide({ id: "pool" }, () => ({ name: "pool" }), {
      onReady: (p) => journal.add(`ready ${p.name}`),
      onShutdown: (p) => journal.add(`shutdown ${p.name}`),
    });
    class Job {
      onReady(): void {
        journal.add("ready job");
      }
      onShutdown(): void {
        journal.add("shutdown job");
      }
    }
    const warnings: string[] = [];
    const container = createContainer(manifestOf(prov("pool", pool), mod("job", Job, { scope: "factory" })), {
      onWarning: (w) => warnings.push(w),
    });
    await container.start();
    container.get("job");
    await container.dispose();
    expect(journal.entries).toEqual(["ready pool", "shutdown pool"]);
    expect(warnings).toHaveLength(2);
  });

  it("warns at start of phase hooks that are never called: on factory and scoped modules (MR2030)", async () => {
    class Job {
      onReady(): void {}
    }
    class Ctx {
      onShutdown(): void {}
    }
    class Checked {
      onReady(): void {}
    }
    class Server {
      onReady(): void {}
      onShutdown(): void {}
    }
    const perRequest = provide({ id: "per-request", scope: "scoped" }, () => ({}), {
      onReady: () => undefined,
    });
    const warnings: string[] = [];
    const container = createContainer(
      {
        formatVersion: 1,
        modules: [
          mod("job", Job, { scope: "factory" }),
          mod("ctx", Ctx, { scope: "scoped" }),
          prov("per-request", perRequest, { scope: "scoped" }),
          mod("server", Server),
        ],
      },
      { onWarning: (w) => warnings.push(w) },
    );
    // a generated manifest's classes were reported by `modreg generate` already
    container.load({
      formatVersion: 1,
      validated: true,
      modules: [mod("checked", Checked, { scope: "factory" })],
    });
    await container.start();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^module "ctx" is scoped, but has onShutdown: .*Use onDispose instead, or make it a singleton \(MR2030\)/,
      ),
      expect.stringMatching(
        /^module "job" is factory-scoped, but has onReady: .*never for factory instances\. Use onInit instead/,
      ),
      expect.stringMatching(/^module "per-request" is scoped, but has onReady/),
    ]);
    await container.dispose();
  });

  it("gives a lazy module built during start() both phases, and one built after start() neither", async () => {
    const journal = new Journal();
    const Early = phased("early", journal);
    const Late = phased("late", journal);
    class Boot {
      constructor(readonly early: Early) {}
    }
    type Early = InstanceType<typeof Early>;
    const container = createContainer(
      manifestOf(
        mod("early", Early, { scope: "lazy", asyncInit: true }),
        mod("late", Late, { scope: "lazy", asyncInit: true }),
        mod("boot", Boot, { deps: [{ id: "early" }] }),
      ),
    );
    await container.start();
    await container.resolve(Late);
    await container.dispose();
    expect(journal.entries).toEqual([
      "build early",
      "init early",
      "ready early",
      "build late",
      "init late",
      "shutdown early",
      "dispose late",
      "dispose early",
    ]);
  });

  it("rejects a malformed phase hook at provide()", () => {
    expect(() => provide({ id: "x" }, () => 1, { onReady: "soon" } as never)).toThrow(
      expect.objectContaining({
        code: "MODULE_INVALID_OPTIONS",
        message: expect.stringContaining("hooks.onReady must be a function"),
      }),
    );
    expect(() => provide({ id: "x" }, () => 1, { onStart: () => 1 } as never)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('unknown hook "onStart"') }),
    );
  });

  it("shuts a parent's children down before the parent, and before anything is disposed", async () => {
    const journal = new Journal();
    const parent = createContainer(manifestOf(mod("p", phased("p", journal))));
    await parent.start();
    const child = parent.child();
    child.load(manifestOf(mod("k", phased("k", journal))));
    await child.start();
    journal.entries.length = 0;
    await parent.dispose();
    expect(journal.entries).toEqual(["shutdown k", "shutdown p", "dispose k", "dispose p"]);
  });

  it("gives unloaded modules their onShutdown before their onDispose", async () => {
    const journal = new Journal();
    const container = createContainer(manifestOf(mod("a", phased("a", journal))));
    container.load(manifestOf(mod("b", phased("b", journal))));
    await container.start();
    journal.entries.length = 0;
    await container.unload("b");
    expect(journal.entries).toEqual(["shutdown b", "dispose b"]);
  });
});
