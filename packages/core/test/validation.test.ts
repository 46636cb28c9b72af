import { describe, expect, it } from "vitest";
import { ModuleRegistryError, createContainer, token } from "../src/index.js";
import { manifestOf, mod } from "./support.js";

class A {}
class B {}
class C {}

async function startError(...args: Parameters<typeof createContainer>): Promise<ModuleRegistryError> {
  const error: unknown = await createContainer(...args)
    .start()
    .catch((e: unknown) => e);
  if (!ModuleRegistryError.is(error)) throw new Error(`expected a ModuleRegistryError, got ${String(error)}`);
  return error;
}

describe("start validation", () => {
  it("rejects a missing dependency naming the module, the target and the parameter", async () => {
    const error = await startError(manifestOf(mod("a", A, { deps: [{ id: "ghost", param: "ghost" }] })));
    expect(error.code).toBe("MODULE_DEPENDENCY_MISSING");
    expect(error.message).toContain(
      'module "a" depends on "ghost" for parameter "ghost", but no module has id "ghost"',
    );
    expect(error.moduleId).toBe("a");
  });

  it("names the unmet condition when the dependency is inactive", async () => {
    const error = await startError(
      manifestOf(mod("a", A, { deps: [{ id: "b" }] }), mod("b", B, { when: { env: ["production"] } })),
      { env: "test" },
    );
    expect(error.message).toContain(
      `module "b" is inactive: when.env is "production" but the container's env is "test"`,
    );
  });

  it("rejects a cycle with its path and builds nothing", async () => {
    let built = 0;
    class Counted {
      constructor() {
        built++;
      }
    }
    const error = await startError(
      manifestOf(
        mod("a", A, { deps: [{ id: "b" }] }),
        mod("b", B, { deps: [{ id: "c" }] }),
        mod("c", C, { deps: [{ id: "a", inject: "none" }] }),
        mod("counted", Counted),
      ),
    );
    expect(error.code).toBe("MODULE_CIRCULAR_DEPENDENCY");
    expect(error.path).toEqual(["a", "b", "c", "a"]);
    expect(error.message).toContain("a -> b -> c -> a");
    expect(error.message).toContain("Lazy<T>");
    expect(built).toBe(0);
  });

  it("rejects an ambiguous interface among active modules, and accepts it once conditions pick one", async () => {
    const manifest = manifestOf(
      mod("console-log", A, { provides: ["app#Logger"], when: { env: ["dev"] } }),
      mod("json-log", B, { provides: ["app#Logger"] }),
      mod("user", C, { deps: [{ iface: "app#Logger", param: "log" }] }),
    );
    const error = await startError(manifest, { env: "dev" });
    expect(error.code).toBe("MODULE_AMBIGUOUS_PROVIDER");
    expect(error.message).toContain('"console-log", "json-log"');
    expect(error.message).toContain("inject: { log:");
    const prod = createContainer(manifest, { env: "prod" });
    await prod.start();
    expect(prod.get(token("app#Logger"))).toBeInstanceOf(B);
  });

  it("checks version ranges of edges the codegen could not see", async () => {
    const error = await startError(
      manifestOf(
        mod("config", A, { version: "2.0.0" }),
        mod("db", B, { deps: [{ id: "config", range: "^1.2.0" }] }),
      ),
    );
    expect(error.code).toBe("MODULE_VERSION_MISMATCH");
    expect(error.message).toContain('"config" is version 2.0.0');
    const invalid = await startError(
      manifestOf(mod("config", A), mod("db", B, { deps: [{ id: "config", range: "not a range!" }] })),
    );
    expect(invalid.message).toContain("not a valid semver range");
  });

  it("skips in-manifest range checks of a validated manifest", async () => {
    const manifest = {
      ...manifestOf(
        mod("config", A, { version: "2.0.0" }),
        mod("db", B, { deps: [{ id: "config", range: "^1.0.0" }] }),
      ),
      validated: true,
    };
    await expect(createContainer(manifest).start()).resolves.toBeUndefined();
  });

  it("reports every problem, the first as the error", async () => {
    const error = await startError(
      manifestOf(mod("a", A, { deps: [{ id: "x" }] }), mod("b", B, { deps: [{ id: "y" }] })),
    );
    expect(error.errors).toHaveLength(2);
    expect(error.message).toContain("(and 1 more");
  });

  it("rejects duplicate ids when the manifest is loaded", () => {
    expect(() => createContainer(manifestOf(mod("same", A), mod("same", B)))).toThrow(
      expect.objectContaining({
        code: "MODULE_DUPLICATE_ID",
        message: expect.stringContaining('two modules have the id "same"'),
      }),
    );
  });

  it("gives undefined for a missing optional dependency and [] for an empty array", async () => {
    class User {
      constructor(
        readonly metrics: unknown,
        readonly plugins: unknown[],
      ) {}
    }
    const app = createContainer(
      manifestOf(
        mod("user", User, {
          deps: [
            { id: "metrics", optional: true },
            { iface: "p#Plugin", multi: true },
          ],
        }),
      ),
    );
    await app.start();
    expect(app.get(User)).toMatchObject({ metrics: undefined, plugins: [] });
  });
});

describe("conditions", () => {
  const manifest = manifestOf(
    mod("any-env", A, { when: { env: ["staging", "production"] } }),
    mod("flags", B, { when: { feature: ["a", "b"] } }),
    mod("both", C, { when: { env: ["production"], feature: ["a"] } }),
  );
  const active = (options: Parameters<typeof createContainer>[1]) =>
    createContainer(manifest, options)
      .modules()
      .filter((m) => m.active)
      .map((m) => m.id);

  it("matches env when the container's env is any of them", () => {
    expect(active({ env: "staging" })).toEqual(["any-env"]);
  });
  it("is inactive without an env when it names one", () => {
    expect(active({})).toEqual([]);
  });
  it("needs every feature on, from a map or a list", () => {
    expect(active({ features: { a: true, b: false } })).toEqual([]);
    expect(active({ features: { a: true, b: true } })).toEqual(["flags"]);
    expect(active({ features: ["a", "b"], env: "production" })).toEqual(["any-env", "both", "flags"]);
  });
  it("hides inactive modules from has, getAll and get with the reason", async () => {
    const app = createContainer(manifest, { env: "dev" });
    expect(app.has("flags")).toBe(false);
    await app.start();
    expect(app.getAll({})).toEqual([]);
    expect(() => app.get("flags")).toThrow(
      /MODULE_NOT_FOUND: module "flags" is inactive: feature "a", "b" are off/,
    );
    expect(app.modules().find((m) => m.id === "both")).toMatchObject({
      state: "inactive",
      inactiveReason: expect.stringContaining("production"),
    });
  });
});

describe("INVALID_MANIFEST", () => {
  it("rejects a wrong format version and malformed records with their index", () => {
    expect(() => createContainer({ formatVersion: 99, modules: [] } as never)).toThrow(
      /INVALID_MANIFEST.*formatVersion is 99/,
    );
    expect(() =>
      createContainer({ formatVersion: 1, modules: [{ id: "x", class: A, create: 42 }] } as never),
    ).toThrow(/modules\[0\] \("x"\): create must be a function/);
    expect(() => createContainer(manifestOf(mod("x", A, { deps: [{ id: "a", iface: "b" }] })))).toThrow(
      /exactly one of id and iface/,
    );
  });
});
