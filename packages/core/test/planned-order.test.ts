import { describe, expect, it } from "vitest";
import { type Manifest, ModuleRegistryError, createContainer, unpackManifest } from "../src/index.js";

/** Classes that log their construction; `B` takes an `A`. */
function classes(): {
  log: string[];
  A: new () => object;
  B: new (a: object) => object;
  C: new () => object;
} {
  const log: string[] = [];
  class A {
    constructor() {
      log.push("a");
    }
  }
  class B {
    constructor(readonly a: object) {
      log.push("b");
    }
  }
  class C {
    constructor() {
      log.push("c");
    }
  }
  return { log, A, B, C };
}

/** A packed manifest of records `a`, `b` (taking `a`) and `c`, with `order` as the codegen would write it. */
function manifestWith(
  order: unknown,
  extra: Record<string, unknown> = {},
): { log: string[]; manifest: Manifest } {
  const { log, A, B, C } = classes();
  const modules = [{ id: "a", ...extra }, { id: "b", deps: [[0, "a"]] }, { id: "c" }];
  const manifest = unpackManifest({
    formatVersion: 1,
    validated: true,
    handles: [A, B, C],
    data: JSON.stringify({ modules, ...(order !== undefined && { order }) }),
  });
  return { log, manifest };
}

describe("Manifest.order (the codegen's load order)", () => {
  it("is what unpackManifest reads from the packed data", () => {
    expect(manifestWith([0, 2, 1]).manifest.order).toEqual([0, 2, 1]);
    expect(manifestWith(undefined).manifest).not.toHaveProperty("order");
  });

  it("is not needed: a manifest written before it (by an older codegen) loads and is ordered as ever", async () => {
    const { log, manifest } = manifestWith(undefined);
    await createContainer(manifest).start();
    expect(log).toEqual(["a", "b", "c"]);
  });

  it("is followed by start() when it is an order of the graph", async () => {
    // the computed order would be a, b, c (ties by id); this one is also dependencies first
    const { log, manifest } = manifestWith([2, 0, 1]);
    await createContainer(manifest).start();
    expect(log).toEqual(["c", "a", "b"]);
  });

  it("is ignored when a module would be built before its dependency: start() computes the order", async () => {
    const { log, manifest } = manifestWith([1, 0, 2]);
    await createContainer(manifest).start();
    expect(log).toEqual(["a", "b", "c"]);
  });

  it("is ignored when it does not list every module once (a record removed or repeated by hand)", async () => {
    for (const order of [[0, 1], [0, 0, 1], [], [0, 1, 3]]) {
      const { log, manifest } = manifestWith(order);
      await createContainer(manifest).start();
      expect(log).toEqual(["a", "b", "c"]);
    }
  });

  it("is followed only while every module is active", async () => {
    const { log, manifest } = manifestWith([2, 0, 1], { when: { env: ["test"] } });
    await createContainer(manifest, { env: "test" }).start();
    expect(log).toEqual(["c", "a", "b"]);
    const { A, B, C } = classes();
    const conditional = unpackManifest({
      formatVersion: 1,
      validated: true,
      handles: [A, B, C],
      data: JSON.stringify({
        modules: [{ id: "a" }, { id: "b", deps: [[0, "a"]] }, { id: "c", when: { env: ["test"] } }],
        order: [2, 0, 1],
      }),
    });
    const app = createContainer(conditional);
    await app.start();
    expect(app.has(C)).toBe(false);
    expect(app.get(B)).toBeInstanceOf(B);
  });

  it("does not hide a cycle: start() still reports it with its path, before building anything", async () => {
    const { log, A, B } = classes();
    const manifest = unpackManifest({
      formatVersion: 1,
      validated: true,
      handles: [A, B],
      data: JSON.stringify({
        modules: [
          { id: "a", deps: [[1, "b", 12]] },
          { id: "b", deps: [[0, "a"]] },
        ],
        order: [0, 1],
      }),
    });
    const error: unknown = await createContainer(manifest)
      .start()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleRegistryError);
    expect(error).toMatchObject({ code: "MODULE_CIRCULAR_DEPENDENCY", path: ["a", "b", "a"] });
    expect(log).toEqual([]);
  });

  it("is the same order on every container of the manifest", async () => {
    const { log, manifest } = manifestWith([2, 0, 1]);
    for (let i = 0; i < 3; i++) await createContainer(manifest).start();
    expect(log).toEqual(["c", "a", "b", "c", "a", "b", "c", "a", "b"]);
  });

  it("is ignored in a copy of the manifest with fewer records (`{ ...manifest, modules }`)", async () => {
    const { log, manifest } = manifestWith([2, 0, 1]);
    const fewer: Manifest = { ...manifest, modules: manifest.modules.slice(0, 2) };
    await createContainer(fewer).start();
    expect(log).toEqual(["a", "b"]);
  });

  it.each([["an index list"], [[0, 1.5, 2]], [[-1, 0, 1]], [["0", 1, 2]]])(
    "rejects a malformed order (%j) with INVALID_MANIFEST",
    (order) => {
      const { manifest } = manifestWith(order);
      expect(() => createContainer(manifest)).toThrow(
        expect.objectContaining({
          code: "INVALID_MANIFEST",
          message: expect.stringContaining("order must be an array of record indices") as unknown,
        }),
      );
    },
  );
});
