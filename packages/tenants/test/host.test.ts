import {
  type Manifest,
  type ModuleRegistryError,
  type TenantContext,
  createContainer,
  provide,
  tenantContext,
} from "@modreg/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type TenantStore, createMemoryStore, createTenantHost } from "../src/index.js";
import {
  CONTEXT,
  Clinic,
  Database,
  EmailService,
  HrCore,
  Tasks,
  failing,
  journal,
  mod,
  startedApp,
} from "./support/modules.js";

const caught = async (promise: Promise<unknown>): Promise<ModuleRegistryError> => {
  try {
    await promise;
  } catch (error) {
    return error as ModuleRegistryError;
  }
  throw new Error("expected a rejection");
};

const seed = () =>
  createMemoryStore({
    acme: { modules: ["hr-core", "clinic"], flags: { beta: true } },
    globex: { modules: ["tasks"] },
  });

async function setUp(store: TenantStore = seed(), options: Parameters<typeof createTenantHost>[1] = {}) {
  const app = await startedApp();
  const warnings: string[] = [];
  const tenants = createTenantHost(app, { store, onWarning: (m) => warnings.push(m), ...options });
  return { app, store, tenants, warnings };
}

beforeEach(() => {
  journal.length = 0;
  failing.clear();
});
afterEach(() => failing.clear());

describe("TenantHost.load and get", () => {
  it("builds each tenant's enabled modules in its own child, sharing the app's modules", async () => {
    const { app, tenants } = await setUp();
    await tenants.load("acme");
    await tenants.load("globex");
    const clinic = tenants.get("acme", Clinic);
    expect(clinic.hr).toBe(tenants.get("acme", HrCore));
    expect(clinic.hr.db).toBe(app.get(Database));
    expect(clinic.tenant.tenantId).toBe("acme");
    expect(clinic.tenant.isEnabled("beta")).toBe(true);
    expect(clinic.email).toBeUndefined();
    expect(tenants.get("globex", "tasks")).toBeInstanceOf(Tasks);
    expect(tenants.get("acme", tenantContext).tenantId).toBe("acme");
    expect(journal).toEqual(["init hr-core@acme", "init clinic@acme", "init tasks@globex"]);
    expect(tenants.modulesOf("acme")).toEqual([
      { id: "clinic", version: "0.0.0", state: "ready" },
      { id: "hr-core", version: "1.4.0", state: "ready" },
    ]);
  });

  it("says what is wrong with an unknown tenant, an unloaded one, or a module it has not enabled", async () => {
    const { tenants } = await setUp();
    expect((await caught(tenants.load("nobody"))).code).toBe("TENANT_NOT_FOUND");
    expect(() => tenants.get("acme", Clinic)).toThrow(/TENANT_NOT_LOADED.*tenants.load\("acme"\)/);
    await tenants.load("globex");
    expect(() => tenants.get("globex", Clinic)).toThrow(/MODULE_NOT_ENABLED.*"clinic".*"globex"/);
    expect(() => tenants.get("globex", "nope")).toThrow(/MODULE_NOT_FOUND/);
    expect((await caught(tenants.load(42 as never))).code).toBe("INVALID_ARGUMENT");
  });

  it("isolates a failing module to its tenant: failed, dependents skipped, the rest working", async () => {
    failing.add("hr-core@acme");
    const { tenants, warnings, store } = await setUp(
      createMemoryStore({
        acme: { modules: ["hr-core", "clinic", "tasks"] },
        globex: { modules: ["hr-core", "clinic"] },
      }),
    );
    await tenants.load("acme");
    await tenants.load("globex");
    expect(tenants.modulesOf("acme").map((m) => [m.id, m.state])).toEqual([
      ["clinic", "skipped"],
      ["hr-core", "failed"],
      ["tasks", "ready"],
    ]);
    expect(tenants.modulesOf("acme")[1]!.error).toMatchObject({
      code: "MODULE_LOAD_FAILED",
      moduleId: "hr-core",
    });
    expect(tenants.get("globex", Clinic).hr).toBeInstanceOf(HrCore);
    expect(warnings.some((w) => /"acme": module "hr-core" failed/.test(w))).toBe(true);
    expect(tenants.stats()).toMatchObject({ tenantsLoaded: 2, loadFailures: 1 });
    expect((await store.read("acme"))!.modules).toEqual(["clinic", "hr-core", "tasks"]);
  });

  it("rejects the load when failures are not isolated, leaving nothing loaded", async () => {
    failing.add("hr-core");
    const { tenants } = await setUp(seed(), { isolateFailures: false });
    expect((await caught(tenants.load("acme"))).code).toBe("MODULE_LOAD_FAILED");
    expect(tenants.loaded()).toEqual([]);
  });
});

describe("TenantHost.enable", () => {
  it("refuses a module whose required dependencies are not enabled, naming them", async () => {
    const { tenants, store } = await setUp();
    await tenants.load("globex");
    const error = await caught(tenants.enable("globex", "clinic"));
    expect(error.code).toBe("MODULE_DEPENDENCY_MISSING");
    expect(error.modules).toEqual(["hr-core"]);
    expect(error.message).toMatch(/withDependencies/);
    expect((await store.read("globex"))!.modules).toEqual(["tasks"]);
    expect(tenants.isEnabled("globex", "clinic")).toBe(false);
  });

  it("enables the dependencies too, in load order, persisted before it resolves", async () => {
    const { tenants, store } = await setUp();
    await tenants.load("globex");
    expect(await tenants.enable("globex", "clinic", { withDependencies: true })).toEqual([
      "hr-core",
      "clinic",
    ]);
    expect((await store.read("globex"))!.modules).toEqual(["clinic", "hr-core", "tasks"]);
    expect(tenants.get("globex", Clinic).hr).toBe(tenants.get("globex", HrCore));
    expect(journal).toEqual(["init tasks@globex", "init hr-core@globex", "init clinic@globex"]);
    expect(tenants.stats().enables).toBe(2);
  });

  it("refuses a version outside the range, an unknown module and an unknown tenant", async () => {
    const { tenants } = await setUp();
    await tenants.load("acme");
    const mismatch = await caught(tenants.enable("acme", "payroll"));
    expect(mismatch).toMatchObject({ code: "MODULE_VERSION_MISMATCH", path: ["payroll", "hr-core"] });
    expect((await caught(tenants.enable("acme", "nope"))).code).toBe("MODULE_NOT_FOUND");
    expect((await caught(tenants.enable("acme", "database"))).message).toMatch(/shared module/);
    expect((await caught(tenants.enable("nobody", "tasks"))).code).toBe("TENANT_NOT_FOUND");
  });

  it("rebuilds an optional dependent so it gets the newly enabled module", async () => {
    const { tenants } = await setUp();
    await tenants.load("acme");
    const before = tenants.get("acme", Clinic);
    await tenants.enable("acme", "email-service");
    const after = tenants.get("acme", Clinic);
    expect(after).not.toBe(before);
    expect(after.email).toBe(tenants.get("acme", EmailService));
    expect(after.hr).toBe(before.hr);
    expect(journal).toContain("dispose clinic@acme");
    expect(journal).not.toContain("dispose hr-core@acme");
  });

  it("leaves the store and the tenant as they were when the module fails to build", async () => {
    failing.add("tasks");
    const { tenants, store } = await setUp();
    await tenants.load("acme");
    const error = await caught(tenants.enable("acme", "tasks"));
    expect(error).toMatchObject({ code: "MODULE_LOAD_FAILED", moduleId: "tasks" });
    expect((await store.read("acme"))!.modules).toEqual(["clinic", "hr-core"]);
    expect(tenants.isEnabled("acme", "tasks")).toBe(false);
    expect(tenants.modulesOf("acme").every((m) => m.state === "ready")).toBe(true);
    failing.clear();
    await tenants.enable("acme", "tasks");
    expect(tenants.get("acme", Tasks)).toBeInstanceOf(Tasks);
  });

  it("is STORE_FAILED with the cause when the store throws, the module removed again", async () => {
    const inner = seed();
    let broken = false;
    const store: TenantStore = {
      read: (id) => inner.read(id),
      list: () => inner.list(),
      update: (id, fn) => (broken ? Promise.reject(new Error("disk full")) : inner.update(id, fn)),
    };
    const { tenants } = await setUp(store);
    await tenants.load("acme");
    broken = true;
    const error = await caught(tenants.enable("acme", "tasks"));
    expect(error.code).toBe("STORE_FAILED");
    expect((error.cause as Error).message).toBe("disk full");
    expect(tenants.isEnabled("acme", "tasks")).toBe(false);
    expect(() => tenants.get("acme", Tasks)).toThrow(/MODULE_NOT_ENABLED/);
    expect(journal).toEqual([
      "init hr-core@acme",
      "init clinic@acme",
      "init tasks@acme",
      "dispose tasks@acme",
    ]);
  });
});

describe("TenantHost.disable", () => {
  it("refuses while an enabled module requires it, listing the dependents", async () => {
    const { tenants, store } = await setUp();
    await tenants.load("acme");
    const error = await caught(tenants.disable("acme", "hr-core"));
    expect(error).toMatchObject({ code: "MODULE_IN_USE", modules: ["clinic"] });
    expect((await store.read("acme"))!.modules).toEqual(["clinic", "hr-core"]);
  });

  it("disables the dependents too, dependents first, and persists it", async () => {
    const { tenants, store } = await setUp();
    await tenants.load("acme");
    expect(await tenants.disable("acme", "hr-core", { withDependents: true })).toEqual(["clinic", "hr-core"]);
    expect((await store.read("acme"))!.modules).toEqual([]);
    expect(journal.slice(-2)).toEqual(["dispose clinic@acme", "dispose hr-core@acme"]);
    expect(() => tenants.get("acme", HrCore)).toThrow(/MODULE_NOT_ENABLED/);
    expect(tenants.stats().disables).toBe(2);
  });

  it("gives an optional dependent undefined by rebuilding it", async () => {
    const { tenants } = await setUp(
      createMemoryStore({ acme: { modules: ["hr-core", "clinic", "email-service"] } }),
    );
    await tenants.load("acme");
    expect(tenants.get("acme", Clinic).email).toBeInstanceOf(EmailService);
    await tenants.disable("acme", "email-service");
    expect(tenants.get("acme", Clinic).email).toBeUndefined();
  });
});

describe("the catalogue questions", () => {
  it("answers canEnable, canDisable, dependencyTree and loadOrder without a tenant", async () => {
    const { tenants } = await setUp();
    expect(tenants.canEnable("clinic", [])).toMatchObject({
      canEnable: false,
      missing: ["hr-core"],
      optionalMissing: ["email-service"],
    });
    expect(tenants.canEnable("clinic", ["hr-core"])).toMatchObject({ canEnable: true, missing: [] });
    expect(tenants.canEnable("payroll", ["hr-core"]).versionConflicts).toEqual([
      { id: "hr-core", range: "^2.0.0", version: "1.4.0" },
    ]);
    expect(tenants.canDisable("hr-core", ["hr-core", "clinic", "tasks"])).toEqual({
      canDisable: false,
      dependents: ["clinic"],
    });
    expect(tenants.canDisable("tasks", ["tasks"])).toEqual({ canDisable: true, dependents: [] });
    expect(tenants.dependencyTree("clinic")).toEqual({
      id: "clinic",
      version: "0.0.0",
      tenant: true,
      optional: false,
      dependencies: [
        { id: "email-service", version: "0.0.0", tenant: true, optional: true, dependencies: [] },
        {
          id: "hr-core",
          version: "1.4.0",
          tenant: true,
          optional: false,
          range: "^1.0.0",
          dependencies: [
            { id: "database", version: "0.0.0", tenant: false, optional: false, dependencies: [] },
          ],
        },
      ],
    });
    expect(tenants.loadOrder(["clinic", "tasks", "hr-core"])).toEqual(["hr-core", "clinic", "tasks"]);
    expect(() => tenants.loadOrder(["nope"])).toThrow(/MODULE_NOT_FOUND/);
    expect(() => tenants.canEnable("clinic", "hr-core" as never)).toThrow(/INVALID_ARGUMENT/);
  });
});

describe("flags and other instances", () => {
  it("evaluates when.feature against the tenant's flags and follows the store on refresh", async () => {
    const store = createMemoryStore({ acme: { modules: ["reporting", "tasks"] } });
    const { tenants } = await setUp(store);
    await tenants.load("acme");
    expect(tenants.modulesOf("acme").find((m) => m.id === "reporting")).toMatchObject({ state: "inactive" });
    // another instance writes the store
    await store.update("acme", (s) => ({ flags: { ...s.flags, "advanced-reporting": true } }));
    await tenants.refresh("acme");
    expect(tenants.modulesOf("acme").find((m) => m.id === "reporting")).toMatchObject({ state: "ready" });
    expect(tenants.get("acme", "reporting")).toBeDefined();
    await store.update("acme", (s) => ({ modules: s.modules.filter((m) => m !== "tasks") }));
    await tenants.refresh("acme");
    expect(tenants.isEnabled("acme", "tasks")).toBe(false);
    expect(journal).toContain("dispose tasks@acme");
    expect(tenants.stats().refreshes).toBe(2);
  });

  it("refreshes when the flag service reports a change, and tells it about its own changes", async () => {
    const listeners: ((tenantId: string) => void)[] = [];
    const invalidated: string[] = [];
    const flags = {
      onChange: (l: (tenantId: string) => void) => {
        listeners.push(l);
        return () => undefined;
      },
      invalidate: (tenantId: string) => {
        invalidated.push(tenantId);
        return Promise.resolve();
      },
      stats: () => ({ hitRate: 1 }),
    };
    const store = seed();
    const { tenants } = await setUp(store, { flags });
    await tenants.load("globex");
    await tenants.enable("globex", "email-service");
    expect(invalidated).toEqual(["globex"]);
    await store.update("globex", (s) => ({ modules: [...s.modules, "hr-core"] }));
    for (const l of listeners) l("globex");
    await tenants.refresh("globex");
    expect(tenants.isEnabled("globex", "hr-core")).toBe(true);
    expect(tenants.get("globex", HrCore)).toBeInstanceOf(HrCore);
    expect(tenants.stats().flags).toEqual({ hitRate: 1 });
  });

  it("refreshes every loaded tenant when the flag service may have missed changes (onResync)", async () => {
    const resyncs: (() => void)[] = [];
    const flags = {
      onChange: () => () => undefined,
      onResync: (l: () => void) => {
        resyncs.push(l);
        return () => undefined;
      },
    };
    const store = seed();
    const { tenants } = await setUp(store, { flags });
    await tenants.load("acme");
    await tenants.load("globex");
    // other instances changed both while this one could not hear them
    await store.update("globex", (s) => ({ modules: [...s.modules, "email-service"] }));
    await store.update("acme", (s) => ({ modules: s.modules.filter((m) => m !== "clinic") }));
    for (const l of resyncs) l();
    await vi.waitFor(() => {
      expect(tenants.isEnabled("globex", "email-service")).toBe(true);
      expect(tenants.isEnabled("acme", "clinic")).toBe(false);
    });
    expect(tenants.stats().refreshes).toBe(2);
  });
});

describe("runtime registration (app.load of a plugin after start)", () => {
  class Timesheets {
    constructor(
      readonly tenant: TenantContext,
      readonly hr: HrCore,
      readonly db: Database,
    ) {}
  }
  const plugin = (deps: NonNullable<Manifest["modules"][number]["deps"]>): Manifest => ({
    formatVersion: 1,
    package: "@acme/timesheets",
    modules: [mod("timesheets", Timesheets, { version: "1.0.0", tenant: true, deps })],
  });

  it("adds tenant modules that tenants can then enable, nothing already built disturbed", async () => {
    const { app, tenants } = await setUp();
    await tenants.load("acme");
    const hr = tenants.get("acme", HrCore);
    expect(tenants.catalog().map((m) => m.id)).not.toContain("timesheets");

    app.load(plugin([CONTEXT, { id: "hr-core", range: "^1.0.0" }, { id: "database" }]));
    expect(tenants.catalog().map((m) => m.id)).toContain("timesheets");
    expect(tenants.canEnable("timesheets", ["hr-core"])).toMatchObject({ canEnable: true, missing: [] });
    expect(await tenants.enable("acme", "timesheets")).toEqual(["timesheets"]);
    const sheets = tenants.get("acme", Timesheets);
    expect([sheets.tenant.tenantId, sheets.hr === hr, sheets.db === app.get(Database)]).toEqual([
      "acme",
      true,
      true,
    ]);
    expect(tenants.get("acme", HrCore)).toBe(hr); // not rebuilt
    // another tenant: its dependency rules as for any module
    await tenants.load("globex");
    expect((await caught(tenants.enable("globex", "timesheets"))).code).toBe("MODULE_DEPENDENCY_MISSING");
    expect(await tenants.enable("globex", "timesheets", { withDependencies: true })).toEqual([
      "hr-core",
      "timesheets",
    ]);
  });

  it("refuses a plugin module that clashes at app.load, and one that cannot work at enable, tenants untouched", async () => {
    const { app, tenants, store } = await setUp();
    await tenants.load("acme");
    const database = { id: "database" };
    // ids are checked against the running graph when the plugin is loaded
    const clash: Manifest = {
      formatVersion: 1,
      modules: [mod("tasks", Timesheets, { tenant: true, deps: [CONTEXT, { id: "hr-core" }, database] })],
    };
    expect(() => app.load(clash)).toThrow(/MODULE_DUPLICATE_ID|duplicate/i);
    // a tenant module is inactive in the app's container: its ranges are checked per tenant, on enable
    app.load(plugin([CONTEXT, { id: "hr-core", range: "^2.0.0" }, database]));
    expect(tenants.canEnable("timesheets", ["hr-core"]).versionConflicts).toEqual([
      { id: "hr-core", range: "^2.0.0", version: "1.4.0" },
    ]);
    expect((await caught(tenants.enable("acme", "timesheets"))).code).toBe("MODULE_VERSION_MISMATCH");
    expect((await store.read("acme"))?.modules).toEqual(["clinic", "hr-core"]);
    expect(tenants.modulesOf("acme").map((m) => [m.id, m.state])).toEqual([
      ["clinic", "ready"],
      ["hr-core", "ready"],
    ]);
  });

  it("refuses to enable a module whose interface nothing provides, naming the interface as written", async () => {
    const { app, tenants, store } = await setUp();
    await tenants.load("acme");
    const CLOCK = "@acme/timesheets:src/clock#Clock";
    app.load(plugin([CONTEXT, { id: "hr-core" }, { id: "database" }, { iface: CLOCK, param: "clock" }]));
    expect(tenants.canEnable("timesheets", ["hr-core"])).toMatchObject({
      canEnable: false,
      unavailable: [CLOCK],
    });
    const error = await caught(tenants.enable("acme", "timesheets"));
    expect(error.code).toBe("MODULE_DEPENDENCY_MISSING");
    expect(error.message).toBe(
      'MODULE_DEPENDENCY_MISSING: cannot enable "timesheets" for tenant "acme": no module provides Clock. Add a module that provides it, then enable again.',
    );
    expect(error.modules).toEqual([CLOCK]);
    expect((await store.read("acme"))?.modules).toEqual(["clinic", "hr-core"]);
    expect(tenants.modulesOf("acme").map((m) => [m.id, m.state])).toEqual([
      ["clinic", "ready"],
      ["hr-core", "ready"],
    ]);
  });
});

describe("TenantHost.stats", () => {
  it("counts tenants, modules and their states per tenant, enables, disables and load failures", async () => {
    failing.add("email-service@acme");
    const store = createMemoryStore({
      acme: { modules: ["hr-core", "clinic", "email-service"] },
      globex: { modules: ["tasks"] },
    });
    const { tenants } = await setUp(store);
    await tenants.load("acme");
    await tenants.load("globex");
    await tenants.enable("globex", "clinic", { withDependencies: true });
    await tenants.disable("globex", "tasks");
    const stats = tenants.stats();
    expect(stats).toMatchObject({
      tenantsLoaded: 2,
      modulesLoaded: 4, // the built ones: not the failed email-service
      enables: 2,
      disables: 1,
      loadFailures: 1,
    });
    expect(stats.tenants["acme"]).toMatchObject({ ready: 2, failed: 1 });
    expect(stats.tenants["globex"]).toMatchObject({ ready: 2, failed: 0 });
    await tenants.unload("acme");
    expect(tenants.stats()).toMatchObject({ tenantsLoaded: 1, modulesLoaded: 2 });
  });
});

describe("TenantHost.enable of a module closing a cycle", () => {
  class A {}
  class B {}
  it("is MODULE_CIRCULAR_DEPENDENCY with the path, and canEnable shows it; nothing is written", async () => {
    const app = createContainer({
      formatVersion: 1,
      modules: [
        mod("a", A, { tenant: true, deps: [{ id: "b", inject: "none" }] }),
        mod("b", B, { tenant: true, deps: [{ id: "a", inject: "none" }] }),
      ],
    });
    await app.start();
    const store = createMemoryStore({ acme: {} });
    const tenants = createTenantHost(app, { store });
    await tenants.load("acme");
    expect(tenants.canEnable("a", []).cycle).toEqual(["a", "b", "a"]);
    const error = await caught(tenants.enable("acme", "a", { withDependencies: true }));
    expect(error.code).toBe("MODULE_CIRCULAR_DEPENDENCY");
    expect(error.message).toContain("a -> b -> a");
    expect((await store.read("acme"))?.modules).toEqual([]);
    await app.dispose();
  });
});

describe("TenantHost.unload and dispose", () => {
  it("disposes an idle tenant, and the app's dispose disposes tenants first", async () => {
    const { app, tenants } = await setUp();
    await tenants.load("acme");
    await tenants.load("globex");
    await tenants.unload("acme");
    expect(journal.slice(-2)).toEqual(["dispose clinic@acme", "dispose hr-core@acme"]);
    expect(tenants.loaded()).toEqual(["globex"]);
    await app.dispose();
    expect(journal.at(-1)).toBe("dispose tasks@globex");
  });

  it("creates a tenant, checking its modules like enable", async () => {
    const { tenants, store } = await setUp();
    expect((await caught(tenants.create("new", { modules: ["clinic"] }))).code).toBe(
      "MODULE_DEPENDENCY_MISSING",
    );
    await tenants.create("new", { modules: ["clinic", "hr-core"], flags: { beta: true } });
    expect(await store.read("new")).toMatchObject({ modules: ["clinic", "hr-core"], flags: { beta: true } });
    expect((await caught(tenants.create("new"))).message).toMatch(/already exists/);
    await tenants.load("new");
    expect(tenants.get("new", Clinic).tenant.flags).toEqual({ beta: true });
  });
});

describe("tenant provider functions (provide({ tenant: true }))", () => {
  const outbox = provide(
    { id: "outbox", tenant: true },
    (tenant: TenantContext, db: Database) => {
      journal.push(`init outbox@${tenant.tenantId}`);
      return { tenant: tenant.tenantId, db, sent: [] as string[] };
    },
    { dispose: (value) => void journal.push(`dispose outbox@${value.tenant}`) },
  );
  const manifest = (): Manifest => ({
    formatVersion: 1,
    modules: [
      mod("database", Database),
      {
        id: "outbox",
        provider: outbox,
        tenant: true,
        deps: [CONTEXT, { id: "database" }],
        create: (r) => outbox.fn(r(0) as TenantContext, r(1) as Database),
      },
    ],
  });

  it("are never built by the app's container, and are built, kept apart and disposed per tenant", async () => {
    const app = createContainer(manifest());
    await app.start();
    expect(app.modules().find((m) => m.id === "outbox")).toMatchObject({ tenant: true, state: "inactive" });
    expect(() => app.get(outbox)).toThrow(/tenant module/);
    const store = createMemoryStore({ acme: { modules: ["outbox"] }, globex: {} });
    const tenants = createTenantHost(app, { store });
    await tenants.load("acme");
    await tenants.load("globex");
    const acme = tenants.get("acme", outbox);
    expect(acme).toMatchObject({ tenant: "acme", db: app.get(Database) });
    expect((await caught(Promise.resolve().then(() => tenants.get("globex", outbox)))).code).toBe(
      "MODULE_NOT_ENABLED",
    );
    await tenants.enable("globex", "outbox");
    expect(tenants.get("globex", "outbox")).not.toBe(acme);
    await tenants.disable("acme", "outbox");
    expect(journal).toEqual(["init outbox@acme", "init outbox@globex", "dispose outbox@acme"]);
    await app.dispose();
    expect(journal.at(-1)).toBe("dispose outbox@globex");
  });
});
