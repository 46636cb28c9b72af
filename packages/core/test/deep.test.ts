import { afterEach, describe, expect, it } from "vitest";
import {
  type ClassRecord,
  type Manifest,
  type ModuleRegistryError,
  type Scope,
  createContainer,
} from "../src/index.js";
import { DEEP_CHAIN } from "../src/factory-chain.js";

/** Level `i` of a chain: its constructor takes level `i - 1` (level 0 takes nothing). */
class Link {
  constructor(readonly below?: Link) {}
}

/** The level whose constructor throws, while a test wants a failure. */
let failing = -1;
afterEach(() => {
  failing = -1;
});

/** A singleton over the top of a chain. */
class Over {
  constructor(readonly top: Link) {}
}

/** A chain of `length` modules of `scope`, `m0` at the bottom; a factory chain has a singleton `over` on top. */
function chain(length: number, scope: Scope): Manifest {
  const modules: ClassRecord[] = [];
  for (let i = 0; i < length; i++) {
    const cls = class extends Link {};
    const level = i;
    const check = (): void => {
      if (level === failing) throw new Error("no disk");
    };
    modules.push({
      id: `m${i}`,
      class: cls,
      scope,
      deps: i === 0 ? [] : [{ id: `m${i - 1}` }],
      create: i === 0 ? () => (check(), new cls()) : (r) => (check(), new cls(r(0) as Link)),
    });
  }
  if (scope === "factory") {
    const top = `m${length - 1}`;
    modules.push({ id: "over", class: Over, deps: [{ id: top }], create: (r) => new Over(r(0) as Link) });
  }
  return { formatVersion: 1, modules };
}

/** How many levels lie below `top`. */
function depthOf(top: Link): number {
  let depth = 0;
  for (let at = top.below; at !== undefined; at = at.below) depth++;
  return depth;
}

const LENGTH = 100_000;
const TOP = `m${LENGTH - 1}`;
const chains = new Map<Scope, Manifest>();
/** One manifest per scope, shared by the tests (containers cache what they read from it). */
function chainOf(scope: Scope): Manifest {
  let manifest = chains.get(scope);
  if (manifest === undefined) chains.set(scope, (manifest = chain(LENGTH, scope)));
  return manifest;
}

// Identity is compared by hand: vitest's matchers walk a 100,000-deep object recursively.
// Each test builds 100,000 modules: about a second, more on a loaded machine.
describe("a chain of 100,000 modules", { timeout: 30_000 }, () => {
  it.each(["singleton", "lazy", "factory"] as const)("builds when it is %s", async (scope) => {
    const app = createContainer(chainOf(scope));
    await app.start();
    const top = app.get<Link>(TOP);
    expect(depthOf(top)).toBe(LENGTH - 1);
    const again = app.get<Link>(TOP);
    if (scope === "factory") {
      expect(again === top || again.below === top.below).toBe(false);
      expect(depthOf(again)).toBe(LENGTH - 1);
      expect(depthOf(app.create<Link>(TOP))).toBe(LENGTH - 1);
      expect(depthOf(app.get<Over>("over").top)).toBe(LENGTH - 1);
    } else {
      expect(again === top).toBe(true);
    }
    await app.dispose();
  });

  it("resolves its lazy top", async () => {
    const app = createContainer(chainOf("lazy"));
    await app.start();
    expect(depthOf(await app.resolve<Link>(TOP))).toBe(LENGTH - 1);
    await app.dispose();
  });

  it.each(["lazy", "factory"] as const)(
    "reports a failure at its bottom with the whole path, printed short (%s)",
    async (scope) => {
      const app = createContainer(chainOf(scope));
      await app.start();
      failing = 0;
      let error: ModuleRegistryError | undefined;
      try {
        app.get(TOP);
      } catch (e) {
        error = e as ModuleRegistryError;
      }
      expect(error).toMatchObject({ code: "MODULE_LOAD_FAILED", moduleId: "m0" });
      expect((error?.cause as Error).message).toBe("no disk");
      expect(error?.path).toHaveLength(LENGTH);
      expect(error?.path?.[0]).toBe(TOP);
      expect(error?.message).toContain(`${TOP} -> m99998`);
      expect(error?.message).toContain("m1 -> m0");
      expect(error!.message.length).toBeLessThan(1_000);
      await app.dispose();
    },
  );
});

describe("a factory chain built bottom-up", () => {
  it("runs each onInit, reads singletons and passes runtime arguments like a short chain", async () => {
    const length = DEEP_CHAIN + 10;
    const inits: number[] = [];
    class Config {}
    class Level {
      constructor(
        readonly level: number,
        readonly below: Level | undefined,
        readonly config: Config,
        readonly tenant?: string,
      ) {}
      onInit(): void {
        inits.push(this.level);
      }
    }
    const modules: ClassRecord[] = [{ id: "config", class: Config, create: () => new Config() }];
    for (let i = 0; i < length; i++) {
      const top = i === length - 1;
      const cls = class extends Level {};
      modules.push({
        id: `f${i}`,
        class: cls,
        scope: "factory",
        deps: [...(i === 0 ? [] : [{ id: `f${i - 1}` }]), { id: "config" }],
        ...(top && { args: 1 }),
        create:
          i === 0
            ? (r) => new cls(i, undefined, r(0) as Config)
            : (r, a) => new cls(i, r(0) as Level, r(1) as Config, a[0] as string | undefined),
      });
    }
    const app = createContainer({ formatVersion: 1, modules });
    await app.start();
    const top = app.create<Level>(`f${length - 1}`, "acme");
    expect(top.tenant).toBe("acme");
    expect(depthOf(top)).toBe(length - 1);
    expect(top.below?.config === app.get(Config)).toBe(true);
    expect(inits).toEqual(Array.from({ length }, (_, i) => i));
  });

  it("reports a record that reads past its dependencies as INVALID_MANIFEST", async () => {
    const { modules } = chain(DEEP_CHAIN + 10, "factory");
    const broken = modules.map((record, i) =>
      i === 5 ? { ...record, create: (r: (i: number) => unknown) => new Link(r(3) as Link) } : record,
    ) as ClassRecord[];
    const app = createContainer({ formatVersion: 1, modules: broken });
    // the singleton `over` on its top is built by start()
    await expect(app.start()).rejects.toMatchObject({ code: "INVALID_MANIFEST", moduleId: "m5" });
  });
});
