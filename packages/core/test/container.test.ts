import { describe, expect, it } from "vitest";
import { ModuleRegistryError, createContainer, token, type Factory, type Lazy } from "../src/index.js";
import { manifestOf, mod } from "./support.js";

class Config {
  readonly url = "db://local";
}
class Database {
  constructor(readonly config: Config) {}
}
class Repository {
  constructor(readonly db: Database) {}
}
interface Exporter {
  readonly format: string;
}
class CsvExporter implements Exporter {
  readonly format = "csv";
}
class JsonExporter implements Exporter {
  readonly format = "json";
}
class Report {
  static built = 0;
  constructor() {
    Report.built++;
  }
}
class ExportJob {
  constructor(
    readonly db: Database,
    readonly tenant: string,
  ) {}
}
class App {
  constructor(
    readonly repo: Repository,
    readonly exporters: Exporter[],
    readonly report: Lazy<Report>,
    readonly newJob: Factory<ExportJob, [tenant: string]>,
  ) {}
}

const EXPORTER = "app#Exporter";

function appManifest() {
  return manifestOf(
    mod("config", Config, { version: "1.4.0" }),
    mod("database", Database, { deps: [{ id: "config", range: "^1.0.0", param: "config" }] }),
    mod("repository", Repository, { deps: [{ id: "database" }] }),
    mod("csv", CsvExporter, { provides: [EXPORTER], capabilities: ["export", "tabular"] }),
    mod("json", JsonExporter, { provides: [EXPORTER], capabilities: ["export", "nested", "tabular"] }),
    mod("report", Report, { scope: "lazy" }),
    mod("export-job", ExportJob, { scope: "factory", args: 1, deps: [{ id: "database" }] }),
    mod("app", App, {
      deps: [
        { id: "repository" },
        { iface: EXPORTER, multi: true },
        { id: "report", inject: "lazy" },
        { id: "export-job", inject: "factory" },
      ],
    }),
  );
}

describe("Container.get", () => {
  it("returns one shared instance of a singleton by class, id and token", async () => {
    const app = createContainer(appManifest());
    await app.start();
    const db = app.get(Database);
    expect(db).toBeInstanceOf(Database);
    expect(app.get("database")).toBe(db);
    expect(app.get(Repository).db).toBe(db);
    expect(db.config).toBe(app.get(Config));
    const only = manifestOf(mod("csv", CsvExporter, { provides: [EXPORTER] }));
    const single = createContainer(only);
    await single.start();
    expect(single.get(token<Exporter>(EXPORTER)).format).toBe("csv");
  });

  it("injects arrays of every active provider ordered by id", async () => {
    const app = createContainer(appManifest());
    await app.start();
    expect(app.get(App).exporters.map((e) => e.format)).toEqual(["csv", "json"]);
  });

  it("throws CONTAINER_NOT_STARTED before start and CONTAINER_DISPOSED after dispose", async () => {
    const app = createContainer(appManifest());
    expect(() => app.get(Database)).toThrow(expect.objectContaining({ code: "CONTAINER_NOT_STARTED" }));
    await app.start();
    await app.dispose();
    expect(() => app.get(Database)).toThrow(expect.objectContaining({ code: "CONTAINER_DISPOSED" }));
    await expect(app.resolve(Database)).rejects.toMatchObject({ code: "CONTAINER_DISPOSED" });
  });

  it("names an unknown id, class or token in MODULE_NOT_FOUND", async () => {
    const app = createContainer(appManifest());
    await app.start();
    expect(() => app.get("nope")).toThrow(/MODULE_NOT_FOUND: no module for "nope"/);
    class Stranger {}
    expect(() => app.get(Stranger)).toThrow(/class Stranger.*@Module/);
    expect(() => app.get(token("app#Missing"))).toThrow(/no active module provides Missing\./);
    expect(() => app.get(token("app#Missing"))).toThrow(expect.objectContaining({ key: "app#Missing" }));
  });

  it("reports MODULE_AMBIGUOUS_PROVIDER for a token with several providers", async () => {
    const app = createContainer(appManifest());
    await app.start();
    expect(() => app.get(token(EXPORTER))).toThrow(
      expect.objectContaining({
        code: "MODULE_AMBIGUOUS_PROVIDER",
        message: expect.stringContaining('"csv", "json"'),
      }),
    );
  });

  it("treats odd ids such as __proto__ and constructor as plain data", async () => {
    class A {}
    class B {
      constructor(readonly a: A) {}
    }
    const app = createContainer(
      manifestOf(mod("__proto__", A), mod("constructor", B, { deps: [{ id: "__proto__" }] })),
    );
    await app.start();
    expect(app.get("constructor")).toBeInstanceOf(B);
    expect((app.get("constructor") as B).a).toBe(app.get("__proto__"));
    expect(app.has("toString")).toBe(false);
    expect(app.graph.loadOrder()).toEqual(["__proto__", "constructor"]);
  });
});

describe("scopes", () => {
  it("builds a lazy module on first use only, once", async () => {
    Report.built = 0;
    const app = createContainer(appManifest());
    await app.start();
    expect(Report.built).toBe(0);
    const lazy = app.get(App).report;
    expect(Report.built).toBe(0);
    expect(lazy()).toBe(lazy());
    expect(app.get(Report)).toBe(lazy());
    expect(Report.built).toBe(1);
  });

  it("gives a factory module a new instance per get, create and Factory call, with runtime args", async () => {
    const app = createContainer(appManifest());
    await app.start();
    const a = app.create(ExportJob, "t1");
    const b = app.get(App).newJob("t2");
    expect(a).not.toBe(b);
    expect([a.tenant, b.tenant]).toEqual(["t1", "t2"]);
    expect(a.db).toBe(app.get(Database));
    expect(app.modules().find((m) => m.id === "export-job")?.state).toBe("pending");
  });

  it("rejects create of a non-factory module and a wrong argument count", async () => {
    const app = createContainer(appManifest());
    await app.start();
    expect(() => app.create(Database)).toThrow(/INVALID_ARGUMENT.*singleton-scoped, not factory/);
    expect(() => app.create(ExportJob)).toThrow(/takes 1 runtime argument\(s\), got 0/);
  });

  it("gives each consumer that injects a factory module directly its own instance", async () => {
    class Conn {}
    class X {
      constructor(readonly c: Conn) {}
    }
    class Y {
      constructor(readonly c: Conn) {}
    }
    const app = createContainer(
      manifestOf(
        mod("conn", Conn, { scope: "factory" }),
        mod("x", X, { deps: [{ id: "conn" }] }),
        mod("y", Y, { deps: [{ id: "conn" }] }),
      ),
    );
    await app.start();
    expect(app.get(X).c).not.toBe(app.get(Y).c);
  });
});

describe("Container metadata", () => {
  it("answers has() before start, exactly when get would not throw MODULE_NOT_FOUND", () => {
    const app = createContainer(appManifest(), { env: "test" });
    expect(app.has("database")).toBe(true);
    expect(app.has(Database)).toBe(true);
    expect(app.has(token(EXPORTER))).toBe(true);
    expect(app.has("missing")).toBe(false);
  });

  it("discovers by required capabilities, ranked by optional ones, then by id", () => {
    const app = createContainer(appManifest());
    expect(app.discover({ capabilities: ["export"] }).map((m) => m.id)).toEqual(["csv", "json"]);
    expect(app.discover({ capabilities: ["export"], optional: ["nested"] }).map((m) => m.id)).toEqual([
      "json",
      "csv",
    ]);
    expect(app.discover({ capabilities: ["export", "nested"] }).map((m) => m.id)).toEqual(["json"]);
    expect(app.discover({ capabilities: ["video"] })).toEqual([]);
  });

  it("returns instances from getAll in discover order, or all providers of a token", async () => {
    const app = createContainer(appManifest());
    await app.start();
    const byCapability = app.getAll<Exporter>({ capabilities: ["tabular"], optional: ["nested"] });
    expect(byCapability.map((e) => e.format)).toEqual(["json", "csv"]);
    expect(app.getAll(token<Exporter>(EXPORTER)).map((e) => e.format)).toEqual(["csv", "json"]);
  });

  it("describes every module with its state, dependencies and metadata", async () => {
    const app = createContainer(appManifest());
    const before = app.modules().find((m) => m.id === "database")!;
    expect(before).toMatchObject({
      id: "database",
      version: "0.0.0",
      scope: "singleton",
      active: true,
      state: "pending",
    });
    expect(before.dependencies[0]).toMatchObject({
      id: "config",
      range: "^1.0.0",
      deferred: false,
      resolved: ["config"],
    });
    await app.start();
    const states = Object.fromEntries(app.modules().map((m) => [m.id, m.state]));
    expect(states).toMatchObject({ database: "ready", report: "pending", "export-job": "pending" });
    const appInfo = app.modules().find((m) => m.id === "app")!;
    expect(appInfo.dependencies.map((d) => d.deferred)).toEqual([false, false, true, true]);
  });

  it("exposes the graph: load order with ties by id, dependencies and dependents", () => {
    const app = createContainer(appManifest());
    expect(app.graph.loadOrder()).toEqual([
      "config",
      "csv",
      "database",
      "export-job",
      "json",
      "report",
      "repository",
      "app",
    ]);
    expect(app.graph.dependenciesOf("app")).toEqual(["csv", "export-job", "json", "report", "repository"]);
    expect(app.graph.dependenciesOf("app", { transitive: true })).toContain("config");
    expect(app.graph.dependentsOf("config")).toEqual(["database"]);
    expect(app.graph.dependentsOf("config", { transitive: true })).toEqual([
      "app",
      "database",
      "export-job",
      "repository",
    ]);
    expect(app.graph.findCycle()).toBeUndefined();
  });

  it("counts modules in stats and records timings only when asked", async () => {
    const plain = createContainer(appManifest());
    await plain.start();
    expect(plain.stats()).toMatchObject({ modules: 8, active: 8, ready: 6, failed: 0 });
    expect(plain.stats().timings).toBeUndefined();
    const timed = createContainer(appManifest(), { timings: true });
    await timed.start();
    expect(timed.stats().timings?.map((t) => t.id)).toEqual([
      "config",
      "csv",
      "database",
      "json",
      "repository",
      "app",
    ]);
    expect(timed.stats().startMs).toBeGreaterThan(0);
  });

  it("emits built, initialized, failed and disposed events, and unsubscribes", async () => {
    const app = createContainer(appManifest());
    const seen: string[] = [];
    const off = app.on("built", (e) => seen.push(`built:${e.id}`));
    app.on("disposed", (e) => seen.push(`disposed:${e.id}`));
    await app.start();
    off();
    app.get(Report);
    await app.dispose();
    expect(seen.slice(0, 2)).toEqual(["built:config", "built:csv"]);
    expect(seen).not.toContain("built:report");
    expect(seen.at(-1)).toBe("disposed:config");
    expect(seen).toContain("disposed:report");
  });
});

describe("ModuleRegistryError", () => {
  it("is what every failure throws", async () => {
    const app = createContainer(appManifest());
    const error = (() => {
      try {
        app.get("x");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ModuleRegistryError);
    expect(ModuleRegistryError.is(error, "CONTAINER_NOT_STARTED")).toBe(true);
    await app.dispose();
  });
});
