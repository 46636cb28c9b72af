import { describe, expect, it } from "vitest";
import { ModuleRegistryError, createContainer, type Lazy } from "../src/index.js";
import { Journal, manifestOf, mod, tick } from "./support.js";

/** A module class that writes its lifecycle into a journal; `fail` picks a phase to throw in. */
function tracked(name: string, journal: Journal, fail?: "constructor" | "init" | "dispose") {
  return class {
    static readonly moduleName = name;
    constructor() {
      journal.add(`new ${name}`);
      if (fail === "constructor") throw new Error(`${name} cannot start`);
    }
    async onInit(): Promise<void> {
      await tick();
      journal.add(`init ${name}`);
      if (fail === "init") throw new Error(`${name} init broke`);
    }
    async onDispose(): Promise<void> {
      await tick();
      journal.add(`dispose ${name}`);
      if (fail === "dispose") throw new Error(`${name} dispose broke`);
    }
  };
}

describe("Container.start", () => {
  it("builds one module at a time in load order, awaiting each onInit before the next", async () => {
    const journal = new Journal();
    const app = createContainer(
      manifestOf(
        mod("c", tracked("c", journal), { asyncInit: true, deps: [{ id: "a" }, { id: "b" }] }),
        mod("b", tracked("b", journal), { asyncInit: true, deps: [{ id: "a" }] }),
        mod("a", tracked("a", journal), { asyncInit: true }),
      ),
    );
    await app.start();
    expect(journal.entries).toEqual(["new a", "init a", "new b", "init b", "new c", "init c"]);
    await app.dispose();
    expect(journal.entries.slice(6)).toEqual(["dispose c", "dispose b", "dispose a"]);
  });

  it("returns the same promise when called twice", async () => {
    const app = createContainer(manifestOf(mod("a", class A {})));
    const first = app.start();
    expect(app.start()).toBe(first);
    await first;
  });

  it("builds only what the roots need", async () => {
    const journal = new Journal();
    const app = createContainer(
      manifestOf(
        mod("a", tracked("a", journal)),
        mod("b", tracked("b", journal), { deps: [{ id: "a", inject: "none" }] }),
        mod("unrelated", tracked("unrelated", journal)),
      ),
    );
    await app.start({ roots: ["b"] });
    expect(journal.entries).toEqual(["new a", "init a", "new b", "init b"]);
    expect(app.modules().find((m) => m.id === "unrelated")?.state).toBe("pending");
  });

  it("rejects an unknown root before building or starting anything", async () => {
    const journal = new Journal();
    const app = createContainer(manifestOf(mod("a", tracked("a", journal))));
    await expect(app.start({ roots: ["nope"] })).rejects.toMatchObject({ code: "MODULE_NOT_FOUND" });
    expect(journal.entries).toEqual([]);
    expect(() => app.get("a")).toThrow(expect.objectContaining({ code: "CONTAINER_NOT_STARTED" }));
  });

  it("builds a lazy module during start when a singleton needs it", async () => {
    const journal = new Journal();
    const app = createContainer(
      manifestOf(
        mod("heavy", tracked("heavy", journal), { scope: "lazy" }),
        mod("user", tracked("user", journal), { deps: [{ id: "heavy", inject: "none" }] }),
      ),
    );
    await app.start();
    expect(journal.entries).toEqual(["new heavy", "init heavy", "new user", "init user"]);
  });

  it("fails fast: rejects with MODULE_LOAD_FAILED and disposes what was initialized, in reverse", async () => {
    const journal = new Journal();
    const app = createContainer(
      manifestOf(
        mod("a", tracked("a", journal)),
        mod("b", tracked("b", journal), { deps: [{ id: "a", inject: "none" }] }),
        mod("c", tracked("c", journal, "init"), { deps: [{ id: "b", inject: "none" }] }),
        mod("d", tracked("d", journal), { deps: [{ id: "c", inject: "none" }] }),
      ),
    );
    const error: unknown = await app.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MODULE_LOAD_FAILED", moduleId: "c" });
    expect((error as Error).message).toContain('module "c" failed in onInit: c init broke');
    expect((error as Error).cause).toEqual(new Error("c init broke"));
    expect(journal.entries).toEqual([
      "new a",
      "init a",
      "new b",
      "init b",
      "new c",
      "init c",
      "dispose b",
      "dispose a",
    ]);
    expect(() => app.get("a")).toThrow(expect.objectContaining({ code: "CONTAINER_DISPOSED" }));
  });

  it("reports a throwing constructor with the module id and the original error as cause", async () => {
    const journal = new Journal();
    const app = createContainer(manifestOf(mod("bad", tracked("bad", journal, "constructor"))));
    await expect(app.start()).rejects.toMatchObject({
      code: "MODULE_LOAD_FAILED",
      moduleId: "bad",
      message: expect.stringContaining("failed in its constructor: bad cannot start"),
      cause: new Error("bad cannot start"),
    });
  });

  it("isolates failures when asked: failed, skipped dependents, undefined for optional ones", async () => {
    const journal = new Journal();
    class Optional {
      constructor(readonly broken: unknown) {}
    }
    const app = createContainer(
      manifestOf(
        mod("broken", tracked("broken", journal, "init")),
        mod("needs", tracked("needs", journal), { deps: [{ id: "broken", inject: "none" }] }),
        mod("transitive", tracked("transitive", journal), { deps: [{ id: "needs", inject: "none" }] }),
        mod("optional", Optional, { deps: [{ id: "broken", optional: true }] }),
        mod("fine", tracked("fine", journal)),
      ),
    );
    const failed: string[] = [];
    app.on("failed", (e) => failed.push(e.id));
    await app.start({ isolateFailures: true });
    const states = Object.fromEntries(app.modules().map((m) => [m.id, m.state]));
    expect(states).toEqual({
      broken: "failed",
      needs: "skipped",
      transitive: "skipped",
      optional: "ready",
      fine: "ready",
    });
    expect(app.get(Optional).broken).toBeUndefined();
    expect(failed).toEqual(["broken"]);
    const skipped = app.modules().find((m) => m.id === "needs")!;
    expect(skipped.error).toMatchObject({
      code: "MODULE_LOAD_FAILED",
      message: expect.stringContaining('"broken" failed'),
    });
    expect(() => app.get("needs")).toThrow(/was skipped/);
  });
});

describe("lazy and async initialization", () => {
  it("refuses get of a lazy module with an async onInit before constructing anything", async () => {
    const journal = new Journal();
    const app = createContainer(
      manifestOf(mod("slow", tracked("slow", journal), { scope: "lazy", asyncInit: true })),
    );
    await app.start();
    expect(() => app.get("slow")).toThrow(
      expect.objectContaining({ code: "MODULE_ASYNC_INIT", message: expect.stringContaining("resolve") }),
    );
    expect(journal.entries).toEqual([]);
    await app.resolve("slow");
    expect(journal.entries).toEqual(["new slow", "init slow"]);
    expect(app.get("slow")).toBeDefined();
  });

  it("refuses get when a dependency not built yet has an async onInit", async () => {
    const journal = new Journal();
    class Top {
      constructor(readonly dep: unknown) {}
    }
    const app = createContainer(
      manifestOf(
        mod("dep", tracked("dep", journal), { scope: "lazy", asyncInit: true }),
        mod("top", Top, { scope: "lazy", deps: [{ id: "dep" }] }),
      ),
    );
    await app.start();
    expect(() => app.get(Top)).toThrow(/its dependency "dep" has an async onInit/);
    expect(journal.entries).toEqual([]);
    expect((await app.resolve(Top)).dep).toBe(app.get("dep"));
  });

  it("shares one build and one onInit between concurrent resolve calls", async () => {
    const journal = new Journal();
    const app = createContainer(
      manifestOf(mod("once", tracked("once", journal), { scope: "lazy", asyncInit: true })),
    );
    await app.start();
    const [a, b, c] = await Promise.all([app.resolve("once"), app.resolve("once"), app.resolve("once")]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(journal.entries).toEqual(["new once", "init once"]);
  });

  it("breaks a cycle with Lazy<T>", async () => {
    class Chicken {
      constructor(readonly egg: Lazy<Egg>) {}
    }
    class Egg {
      constructor(readonly chicken: Chicken) {}
    }
    const app = createContainer(
      manifestOf(
        mod("chicken", Chicken, { deps: [{ id: "egg", inject: "lazy" }] }),
        mod("egg", Egg, { deps: [{ id: "chicken" }] }),
      ),
    );
    await app.start();
    expect(app.get(Chicken).egg().chicken).toBe(app.get(Chicken));
  });

  it("reports a Lazy<T> called from a constructor that needs itself as a cycle", async () => {
    class Left {
      readonly right: unknown;
      constructor(right: Lazy<unknown>) {
        this.right = right();
      }
    }
    class Right {
      constructor(readonly left: Left) {}
    }
    const app = createContainer(
      manifestOf(
        mod("left", Left, { scope: "lazy", deps: [{ id: "right", inject: "lazy" }] }),
        mod("right", Right, { scope: "lazy", deps: [{ id: "left" }] }),
      ),
    );
    await app.start();
    expect(() => app.get(Left)).toThrow(/MODULE_CIRCULAR_DEPENDENCY.*left -> right -> left/);
  });

  it("tells get to use resolve when a manifest wrongly says onInit is synchronous, and lets resolve finish it", async () => {
    const journal = new Journal();
    const app = createContainer(manifestOf(mod("liar", tracked("liar", journal), { scope: "lazy" })));
    await app.start();
    expect(() => app.get("liar")).toThrow(/MODULE_ASYNC_INIT.*manifest says onInit is synchronous/);
    const instance = await app.resolve("liar");
    expect(journal.entries).toEqual(["new liar", "init liar"]);
    expect(app.get("liar")).toBe(instance);
  });

  it("requires a synchronous onInit on factory modules", async () => {
    class Job {
      async onInit(): Promise<void> {}
    }
    const app = createContainer(manifestOf(mod("job", Job, { scope: "factory" })));
    await app.start();
    expect(() => app.create(Job)).toThrow(/factory's onInit must be synchronous/);
  });
});

describe("Container.dispose", () => {
  it("keeps disposing past failures and throws them together", async () => {
    const journal = new Journal();
    const app = createContainer(
      manifestOf(
        mod("a", tracked("a", journal, "dispose")),
        mod("b", tracked("b", journal), { deps: [{ id: "a", inject: "none" }] }),
        mod("c", tracked("c", journal, "dispose"), { deps: [{ id: "b", inject: "none" }] }),
      ),
    );
    await app.start();
    const error = await app.dispose().catch((e: unknown) => e);
    expect(ModuleRegistryError.is(error, "MODULE_DISPOSE_FAILED")).toBe(true);
    expect((error as ModuleRegistryError).errors?.map((e) => (e as ModuleRegistryError).moduleId)).toEqual([
      "c",
      "a",
    ]);
    expect(journal.entries.slice(-3)).toEqual(["dispose c", "dispose b", "dispose a"]);
    expect(app.modules().every((m) => m.state === "disposed")).toBe(true);
    await app.dispose();
  });

  it("calls Symbol.asyncDispose when there is no onDispose, and works with await using", async () => {
    const journal = new Journal();
    class Pool {
      [Symbol.asyncDispose](): Promise<void> {
        journal.add("pool closed");
        return Promise.resolve();
      }
    }
    {
      await using app = createContainer(manifestOf(mod("pool", Pool)));
      await app.start();
      expect(journal.entries).toEqual([]);
    }
    expect(journal.entries).toEqual(["pool closed"]);
  });

  it("never disposes factory instances", async () => {
    const journal = new Journal();
    class Job {
      onInit(): void {
        journal.add("init job");
      }
      onDispose(): void {
        journal.add("dispose job");
      }
    }
    const app = createContainer(manifestOf(mod("job", Job, { scope: "factory" })));
    await app.start();
    app.get("job");
    await app.dispose();
    expect(journal.entries).toEqual(["init job"]);
  });
});
