import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type Lazy,
  type Manifest,
  Module,
  ModuleRegistryError,
  createContainer,
  provide,
} from "../src/index.js";
import { manifestOf, mod, prov, tick } from "./support.js";

class Config {}
class Logger {}

describe("a stale manifest", () => {
  it("fails start() naming the class and `modreg generate` when a constructor gained a parameter", async () => {
    // The manifest was generated when Database took only a Config.
    class Database {
      constructor(
        readonly config: Config,
        readonly log: Logger,
      ) {}
    }
    const app = createContainer(
      manifestOf(
        mod("config", Config),
        mod("logger", Logger),
        mod("database", Database, { deps: [{ id: "config" }] }),
      ),
    );
    const error = await app.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_MANIFEST", moduleId: "database" });
    expect((error as Error).message).toMatch(/class Database/);
    expect((error as Error).message).toMatch(/takes 2 .*passes 1/);
    expect((error as Error).message).toContain("modreg generate");
  });

  it("counts runtime arguments, and accepts defaults, inherited and wrapped constructors", async () => {
    class Job {
      constructor(
        readonly config: Config,
        readonly tenant: string,
      ) {}
    }
    class WithDefault {
      constructor(
        readonly config: Config,
        readonly retries = 3,
      ) {}
    }
    class Base {
      constructor(readonly config: Config) {}
    }
    class Inherited extends Base {}
    const app = createContainer(
      manifestOf(
        mod("config", Config),
        mod("job", Job, { scope: "factory", args: 1, deps: [{ id: "config" }] }),
        mod("with-default", WithDefault, { deps: [{ id: "config" }] }),
        mod("inherited", Inherited, { deps: [{ id: "config" }] }),
      ),
    );
    await app.start();
    expect(app.create(Job, "t").tenant).toBe("t");
    expect(app.get(WithDefault).retries).toBe(3);
  });

  it("is checked per manifest: a fresh manifest still starts", async () => {
    class Grown {
      constructor(readonly config: Config) {}
    }
    const stale = manifestOf(mod("grown", Grown));
    await expect(createContainer(stale).start()).rejects.toMatchObject({ code: "INVALID_MANIFEST" });
    const fresh = createContainer(
      manifestOf(mod("config", Config), mod("grown", Grown, { deps: [{ id: "config" }] })),
    );
    await fresh.start();
    expect(fresh.get(Grown).config).toBeInstanceOf(Config);
  });
});

describe("forgetting to await start()", () => {
  it("reports CONTAINER_NOT_STARTED for a module whose async onInit start() has not run yet", async () => {
    class Db {
      async onInit(): Promise<void> {
        await tick();
      }
    }
    class Cache {
      async onInit(): Promise<void> {
        await tick();
      }
    }
    const app = createContainer(
      manifestOf(mod("cache", Cache, { asyncInit: true }), mod("db", Db, { asyncInit: true })),
    );
    const starting = app.start();
    for (const key of [Db, Cache]) {
      expect(() => app.get(key)).toThrow(
        expect.objectContaining({
          code: "CONTAINER_NOT_STARTED",
          message: expect.stringMatching(/await .*start\(\)/),
        }),
      );
    }
    await starting;
    expect(app.get(Db)).toBeInstanceOf(Db);
  });
});

describe("CONTAINER_DISPOSED", () => {
  it("names the key that was asked for", async () => {
    class Database {}
    const app = createContainer(manifestOf(mod("database", Database)));
    await app.start();
    await app.dispose();
    expect(() => app.get(Database)).toThrow(/CONTAINER_DISPOSED: get\(class Database\)/);
    expect(() => app.get("database")).toThrow(/get\("database"\)/);
    await expect(app.resolve("database")).rejects.toThrow(/resolve\("database"\)/);
    expect(() => app.create("database")).toThrow(/create\("database"\)/);
  });
});

describe("MODULE_LOAD_FAILED deep in a chain", () => {
  class Leaf {
    constructor() {
      throw new Error("no disk");
    }
  }

  it("names the path from what was asked for, through lazy modules", async () => {
    class Mid {}
    class Top {}
    const manifest = manifestOf(
      mod("top", Top, { scope: "lazy", deps: [{ id: "mid", inject: "none" }] }),
      mod("mid", Mid, { scope: "lazy", deps: [{ id: "leaf", inject: "none" }] }),
      mod("leaf", Leaf, { scope: "lazy" }),
    );
    for (const ask of ["get", "resolve"] as const) {
      const app = createContainer(manifest);
      await app.start();
      const error = (await Promise.resolve()
        .then(() => (ask === "get" ? app.get("top") : app.resolve("top")))
        .catch((e: unknown) => e)) as ModuleRegistryError;
      expect(error).toMatchObject({
        code: "MODULE_LOAD_FAILED",
        moduleId: "leaf",
        path: ["top", "mid", "leaf"],
      });
      expect(error.message).toContain("top -> mid -> leaf");
      expect(error.message).toContain("no disk");
      expect((error.cause as Error).message).toBe("no disk");
    }
  });

  it("names the path through Lazy<T> calls made by constructors", async () => {
    class Mid {
      readonly leaf: Leaf;
      constructor(leaf: Lazy<Leaf>) {
        this.leaf = leaf();
      }
    }
    class Top {
      readonly mid: Mid;
      constructor(mid: Lazy<Mid>) {
        this.mid = mid();
      }
    }
    const app = createContainer(
      manifestOf(
        mod("top", Top, { scope: "lazy", deps: [{ id: "mid", inject: "lazy" }] }),
        mod("mid", Mid, { scope: "lazy", deps: [{ id: "leaf", inject: "lazy" }] }),
        mod("leaf", Leaf, { scope: "lazy" }),
      ),
    );
    await app.start();
    expect(() => app.get(Top)).toThrow(
      expect.objectContaining({
        code: "MODULE_LOAD_FAILED",
        path: ["top", "mid", "leaf"],
        message: expect.stringContaining("top -> mid -> leaf"),
      }),
    );
  });

  it("keeps a failure of the module asked for as it is", async () => {
    const app = createContainer(manifestOf(mod("leaf", Leaf, { scope: "lazy" })));
    await app.start();
    expect(() => app.get(Leaf)).toThrow(expect.objectContaining({ moduleId: "leaf" }));
  });
});

describe("error objects", () => {
  it("define only the properties that have values", async () => {
    const plain = new ModuleRegistryError("MODULE_NOT_FOUND", "nothing here");
    expect(Object.keys(plain).sort()).toEqual(["code", "name"]);
    expect(inspect(plain)).not.toMatch(/undefined/);
    const app = createContainer(manifestOf(mod("config", Config)));
    await app.start();
    const thrown = (() => {
      try {
        app.get("nope");
      } catch (error) {
        return error as ModuleRegistryError;
      }
      throw new Error("did not throw");
    })();
    expect(Object.keys(thrown).sort()).toEqual(["code", "name"]);
    expect("moduleId" in thrown || "path" in thrown || "errors" in thrown).toBe(false);
    const full = new ModuleRegistryError("MODULE_LOAD_FAILED", "m", {
      moduleId: "a",
      path: ["a"],
      errors: [],
      cause: 1,
    });
    expect(full).toMatchObject({ moduleId: "a", path: ["a"], errors: [], cause: 1 });
  });
});

describe("a decorated class missing from a generated manifest", () => {
  afterEach(() => vi.unstubAllGlobals());

  const generated = (...records: Manifest["modules"]): Manifest => ({
    ...manifestOf(...records),
    validated: true,
  });

  it("is reported through onWarning, once per manifest", async () => {
    @Module()
    class Forgotten {}
    const manifest = generated(mod("config", Config));
    const warnings: string[] = [];
    await createContainer(manifest, { onWarning: (m) => warnings.push(m) }).start();
    await createContainer(manifest, { onWarning: (m) => warnings.push(m) }).start();
    expect(warnings.filter((w) => w.includes("class Forgotten"))).toEqual([
      expect.stringContaining("modreg generate"),
    ]);
    expect(Forgotten).toBeDefined();
  });

  it("is not reported by one generated manifest for a class another one lists (two entry points)", async () => {
    @Module()
    class Background {}
    @Module()
    class Content {}
    @Module()
    class InNeither {}
    const background = generated(mod("background", Background));
    const content = generated(mod("content", Content));
    const warnings: string[] = [];
    const onWarning = (m: string): number => warnings.push(m);
    const first = createContainer(background, { onWarning });
    const second = createContainer(content, { onWarning });
    await first.start();
    await second.start();
    expect(warnings.filter((w) => /class (Background|Content) /.test(w))).toEqual([]);
    expect(warnings.filter((w) => w.includes("class InNeither"))).toHaveLength(2);
    expect(InNeither).toBeDefined();
  });

  it("reports a provide() provider the manifest does not list, not one it lists", async () => {
    const listed = provide({ id: "listed-url" }, () => "http://localhost");
    const forgotten = provide({ id: "forgotten-pool" }, () => ({ end: () => undefined }));
    const warnings: string[] = [];
    const app = createContainer(generated(mod("config", Config), prov("listed-url", listed)), {
      onWarning: (m) => warnings.push(m),
    });
    await app.start();
    expect(warnings.filter((w) => w.includes('provider "forgotten-pool"'))).toEqual([
      expect.stringContaining("modreg generate"),
    ]);
    expect(warnings.filter((w) => w.includes('"listed-url"'))).toEqual([]);
    expect(forgotten).toBeDefined();
  });

  it("is not reported for a hand-written manifest (tests, composition roots)", async () => {
    @Module()
    class NotListed {}
    const warnings: string[] = [];
    await createContainer(manifestOf(mod("config", Config)), { onWarning: (m) => warnings.push(m) }).start();
    expect(warnings).toEqual([]);
    expect(NotListed).toBeDefined();
  });

  it("goes to console.warn where there is no process (browsers)", async () => {
    @Module()
    class InBrowser {}
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const app = createContainer(generated(mod("config", Config)));
    vi.stubGlobal("process", undefined);
    const started = app.start(); // the check runs synchronously, before the first await
    vi.unstubAllGlobals();
    await started;
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("class InBrowser"));
    warn.mockRestore();
    expect(InBrowser).toBeDefined();
  });
});
