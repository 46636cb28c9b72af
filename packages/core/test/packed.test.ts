import { describe, expect, it } from "vitest";
import {
  type Lazy,
  type ModuleRecord,
  ModuleRegistryError,
  createContainer,
  provide,
  unpackManifest,
} from "../src/index.js";

class Config {}
class Database {
  constructor(
    readonly config: Config,
    readonly url: string,
  ) {}
}
class Job {
  constructor(
    readonly db: Database,
    readonly tenant: string,
  ) {}
}
const url = provide({ id: "url" }, (config: Config) => `db://${config.constructor.name}`);

const data = (modules: readonly unknown[], tables: object = {}): string =>
  JSON.stringify({ files: ["src/app.ts"], keys: ["app#Store", "app#Plugin"], ...tables, modules });

describe("unpackManifest", () => {
  it("gives the records a manifest would list: tables, indices, flags and every other field as it is", () => {
    const create = (): Job => new Job(new Database(new Config(), ""), "t");
    const manifest = unpackManifest({
      formatVersion: 1,
      validated: true,
      package: "app",
      handles: [Config, Database, url, Job],
      create: { 3: create },
      data: data([
        { id: "config", version: "1.0.0", metadata: { tier: 1 }, at: [0, 3, 14] },
        {
          id: "database",
          scope: "lazy",
          provides: [0],
          deps: [
            [0, "config"],
            [2, "url", 0, "^1.0.0"],
            [-2, "plugins", 3],
            ["metrics", null, 13],
            [0, null, 4, null, { future: true }],
          ],
          at: [0, 9, 14],
        },
        { id: "url", deps: [[0, "config"]], asyncInit: false, at: [0, 20, 14] },
        { id: "job", scope: "factory", args: 1, deps: [[1, "db", 8]], primary: true, at: [0, 30, 14] },
      ]),
    });
    const expected: Record<string, unknown>[] = [
      {
        id: "config",
        version: "1.0.0",
        metadata: { tier: 1 },
        source: { file: "src/app.ts", line: 3, column: 14 },
        class: Config,
      },
      {
        id: "database",
        scope: "lazy",
        provides: ["app#Store"],
        deps: [
          { id: "config", param: "config" },
          { id: "url", range: "^1.0.0", param: "url" },
          { iface: "app#Plugin", optional: true, multi: true, param: "plugins" },
          { id: "metrics", optional: true, inject: "none" },
          { id: "config", inject: "lazy", future: true },
        ],
        source: { file: "src/app.ts", line: 9, column: 14 },
        class: Database,
      },
      {
        id: "url",
        deps: [{ id: "config", param: "config" }],
        asyncInit: false,
        source: { file: "src/app.ts", line: 20, column: 14 },
        provider: url,
      },
      {
        id: "job",
        scope: "factory",
        args: 1,
        deps: [{ id: "database", inject: "factory", param: "db" }],
        primary: true,
        source: { file: "src/app.ts", line: 30, column: 14 },
        class: Job,
        create,
      },
    ];
    expect(manifest).toEqual({ formatVersion: 1, package: "app", validated: true, modules: expected });
  });

  it("builds records without create through the shared path: dependencies, then runtime arguments", async () => {
    const manifest = unpackManifest({
      formatVersion: 1,
      validated: true,
      handles: [Config, url, Database, Job],
      data: data([
        { id: "config" },
        { id: "url", deps: [[0]] },
        { id: "database", scope: "lazy", deps: [[0], [1], [0, null, 12]] },
        { id: "job", scope: "factory", args: 1, deps: [[2]] },
      ]),
    });
    const app = createContainer(manifest);
    await app.start();
    const job = app.create(Job, "acme");
    expect(job.tenant).toBe("acme");
    expect(job.db).toBe(app.get(Database));
    expect(job.db.config).toBe(app.get(Config));
    expect(job.db.url).toBe("db://Config");
    expect(app.create(Job, "b")).not.toBe(job);
  });

  it("builds a new instance for a Factory of a module on the shared path that is not factory-scoped", async () => {
    class Maker {
      constructor(readonly make: () => Config) {}
    }
    const manifest = unpackManifest({
      formatVersion: 1,
      handles: [Config, Maker],
      data: data([{ id: "config" }, { id: "maker", deps: [[0, null, 8]] }]),
    });
    const app = createContainer(manifest);
    await app.start();
    const made = app.get(Maker).make();
    expect(made).toBeInstanceOf(Config);
    expect(made).not.toBe(app.get(Config));
  });

  it("keeps the stale-manifest check: a constructor taking more than the record passes", async () => {
    const manifest = unpackManifest({
      formatVersion: 1,
      validated: true,
      handles: [Config, Database],
      data: data([{ id: "config" }, { id: "database", deps: [[0]] }]),
    });
    const app = createContainer(manifest);
    await expect(app.start()).rejects.toThrow(
      /INVALID_MANIFEST: the manifest is stale: class Database's constructor takes 2/,
    );
  });

  it("keeps a Lazy<T> a deferred edge", async () => {
    class Report {
      constructor(readonly config: Lazy<Config>) {}
    }
    const app = createContainer(
      unpackManifest({
        formatVersion: 1,
        handles: [Config, Report],
        data: data([
          { id: "config", scope: "lazy" },
          { id: "report", deps: [[0, "config", 4]] },
        ]),
      }),
    );
    await app.start();
    expect(app.get(Report).config()).toBe(app.get(Config));
  });

  it.each<[string, unknown, RegExp]>([
    ["data that is not JSON", { formatVersion: 1, handles: [], data: "{" }, /data is not JSON/],
    ["data without modules", { formatVersion: 1, handles: [], data: "{}" }, /no modules array/],
    [
      "fewer handles than records",
      { formatVersion: 1, handles: [], data: data([{ id: "a" }]) },
      /1 records but 0 handles/,
    ],
    [
      "a module index out of range",
      { formatVersion: 1, handles: [Config], data: data([{ id: "a", deps: [[4]] }]) },
      /module "a" names module 4/,
    ],
    [
      "an interface out of range",
      { formatVersion: 1, handles: [Config], data: data([{ id: "a", provides: [7] }]) },
      /module "a" names interface 7/,
    ],
    [
      "a file out of range",
      { formatVersion: 1, handles: [Config], data: data([{ id: "a", at: [3, 1, 1] }]) },
      /module "a" names file 3/,
    ],
    [
      "a dependency that is not an array",
      { formatVersion: 1, handles: [Config], data: data([{ id: "a", deps: [0] }]) },
      /not an array/,
    ],
  ])("rejects %s with INVALID_MANIFEST", (_, packed, message) => {
    const error = (() => {
      try {
        unpackManifest(packed as never);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(ModuleRegistryError.is(error, "INVALID_MANIFEST")).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it("leaves the records to createContainer's checks", () => {
    const manifest = unpackManifest({
      formatVersion: 1,
      handles: [Config],
      data: data([{ id: "a", version: 3 }]),
    });
    expect((manifest.modules[0] as ModuleRecord & { version: unknown }).version).toBe(3);
    expect(() => createContainer(manifest)).toThrow(/modules\[0\] \("a"\): version must be a string/);
  });
});
