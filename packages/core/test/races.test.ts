import { describe, expect, it } from "vitest";
import {
  type Lazy,
  type Manifest,
  Module,
  type ModuleRecord,
  type ModuleRegistryError,
  createContainer,
} from "../src/index.js";
import { manifestOf, mod, tick } from "./support.js";

/** Lifecycle counts per module name. */
class Counters {
  readonly counts = new Map<string, { built: number; init: number; disposed: number }>();
  of(name: string): { built: number; init: number; disposed: number } {
    let c = this.counts.get(name);
    if (c === undefined) this.counts.set(name, (c = { built: 0, init: 0, disposed: 0 }));
    return c;
  }
}

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A class whose async onInit waits for `wait()` and counts what happens to it. */
function counted(name: string, counters: Counters, wait: () => Promise<void> = () => tick()) {
  return class {
    constructor() {
      counters.of(name).built++;
    }
    async onInit(): Promise<void> {
      await wait();
      counters.of(name).init++;
    }
    onDispose(): void {
      counters.of(name).disposed++;
    }
  };
}

const never = (): Promise<void> => new Promise<void>(() => undefined);

/** A counted module whose onInit waits until the test calls `open`. */
function gated(
  name: string,
  counters: Counters,
  options: Parameters<typeof mod>[2] = {},
): { record: ModuleRecord; open: () => void } {
  const { promise, open } = gate();
  return {
    record: mod(
      name,
      counted(name, counters, () => promise),
      { asyncInit: true, ...options },
    ),
    open,
  };
}

/** `a`, then `hung` (which needs `a`) whose onInit never settles. */
function hungAfterA(counters: Counters): Manifest {
  return manifestOf(
    mod("a", counted("a", counters), { asyncInit: true }),
    mod("hung", counted("hung", counters, never), { asyncInit: true, deps: [{ id: "a", inject: "none" }] }),
  );
}

describe("one module, one build", () => {
  it("shares start()'s build of a singleton with a resolve() made while its onInit is pending", async () => {
    const counters = new Counters();
    const a = gated("a", counters);
    const app = createContainer(manifestOf(a.record));
    const disposedEvents: string[] = [];
    app.on("disposed", ({ id }) => disposedEvents.push(id));
    const starting = app.start();
    await tick();
    const resolving = app.resolve("a");
    a.open();
    await starting;
    expect(await resolving).toBe(app.get("a"));
    await app.dispose();
    expect(counters.of("a")).toEqual({ built: 1, init: 1, disposed: 1 });
    expect(disposedEvents).toEqual(["a"]);
  });

  it("shares it with the resolve() of a lazy module that needs it", async () => {
    const counters = new Counters();
    const a = gated("a", counters);
    const app = createContainer(
      manifestOf(
        a.record,
        mod("l", counted("l", counters), {
          scope: "lazy",
          asyncInit: true,
          deps: [{ id: "a", inject: "none" }],
        }),
      ),
    );
    const starting = app.start();
    await tick();
    const resolving = app.resolve("l");
    a.open();
    await Promise.all([starting, resolving]);
    await app.dispose();
    expect(counters.of("a")).toEqual({ built: 1, init: 1, disposed: 1 });
    expect(counters.of("l")).toEqual({ built: 1, init: 1, disposed: 1 });
  });

  it("builds a Lazy<T> cycle closed from a constructor once, and reports MODULE_CIRCULAR_DEPENDENCY", async () => {
    const built: string[] = [];
    class A {
      constructor(b: Lazy<unknown>) {
        built.push("a");
        b();
      }
    }
    class B {
      constructor(readonly a: A) {
        built.push("b");
      }
    }
    const app = createContainer(
      manifestOf(mod("a", A, { deps: [{ id: "b", inject: "lazy" }] }), mod("b", B, { deps: [{ id: "a" }] })),
    );
    const error = (await app.start().catch((e: unknown) => e)) as ModuleRegistryError;
    expect(error).toMatchObject({ code: "MODULE_CIRCULAR_DEPENDENCY", path: ["a", "b", "a"] });
    expect(error.message).toContain("a -> b -> a");
    expect(built).toEqual(["a"]);
  });
});

describe("dispose() during a build", () => {
  it("disposes a lazy module whose resolve() was in flight, and the caller gets CONTAINER_DISPOSED", async () => {
    const counters = new Counters();
    const l = gated("l", counters, { scope: "lazy" });
    const app = createContainer(manifestOf(l.record));
    await app.start();
    const resolving = app.resolve("l").catch((e: unknown) => e);
    await tick();
    const disposing = app.dispose();
    l.open();
    await disposing;
    expect(await resolving).toMatchObject({ code: "CONTAINER_DISPOSED" });
    await tick();
    expect(counters.of("l")).toEqual({ built: 1, init: 1, disposed: 1 });
  });

  it("terminates while an onInit never settles, disposing what was initialized", async () => {
    const counters = new Counters();
    const app = createContainer(hungAfterA(counters));
    const starting = app.start().catch((e: unknown) => e);
    await tick(5);
    await app.dispose();
    expect(await starting).toMatchObject({ code: "CONTAINER_DISPOSED" });
    expect(counters.of("a")).toEqual({ built: 1, init: 1, disposed: 1 });
    expect(counters.of("hung")).toEqual({ built: 1, init: 0, disposed: 0 });
  });
});

describe("initTimeoutMs", () => {
  it("turns a hung onInit into MODULE_LOAD_FAILED with a timeout cause, and rolls back", async () => {
    const counters = new Counters();
    const app = createContainer(hungAfterA(counters), { initTimeoutMs: 20 });
    const error = (await app.start().catch((e: unknown) => e)) as ModuleRegistryError;
    expect(error).toMatchObject({ code: "MODULE_LOAD_FAILED", moduleId: "hung" });
    expect(error.message).toMatch(/did not settle within 20 ms/);
    expect(error.cause).toMatchObject({ name: "TimeoutError" });
    expect(counters.of("a")).toEqual({ built: 1, init: 1, disposed: 1 });
    expect(() => app.get("a")).toThrow(expect.objectContaining({ code: "CONTAINER_DISPOSED" }));
  });

  it("can be set per module in its record, overriding the container's", async () => {
    const counters = new Counters();
    const app = createContainer(
      manifestOf(
        mod(
          "slow",
          counted("slow", counters, () => tick(40)),
          { asyncInit: true, initTimeoutMs: 1000 },
        ),
        mod("hung", counted("hung", counters, never), { asyncInit: true, initTimeoutMs: 10, scope: "lazy" }),
      ),
      { initTimeoutMs: 20 },
    );
    await app.start();
    await expect(app.resolve("hung")).rejects.toMatchObject({
      code: "MODULE_LOAD_FAILED",
      message: expect.stringMatching(/within 10 ms/),
    });
  });

  it("honours @Module({ initTimeoutMs }) on a registered class", async () => {
    @Module({ initTimeoutMs: 10 })
    class Hung {
      onInit(): Promise<void> {
        return never();
      }
    }
    const app = createContainer(manifestOf()).register(Hung);
    await expect(app.start()).rejects.toMatchObject({
      code: "MODULE_LOAD_FAILED",
      message: expect.stringMatching(/within 10 ms/),
    });
  });

  it("bounds a hung onDispose: dispose() terminates with MODULE_DISPOSE_FAILED and disposes the others", async () => {
    const disposed: string[] = [];
    class First {
      onDispose(): void {
        disposed.push("first");
      }
    }
    class Stuck {
      onDispose(): Promise<void> {
        return never();
      }
    }
    const app = createContainer(
      manifestOf(mod("first", First), mod("stuck", Stuck, { deps: [{ id: "first", inject: "none" }] })),
      { initTimeoutMs: 20 },
    );
    await app.start();
    const error = (await app.dispose().catch((e: unknown) => e)) as ModuleRegistryError;
    expect(error).toMatchObject({ code: "MODULE_DISPOSE_FAILED", moduleId: "stuck" });
    expect(error.cause).toMatchObject({ name: "TimeoutError" });
    expect(disposed).toEqual(["first"]);
  });
});

describe("child containers and listeners", () => {
  it("rejects child.start() with CONTAINER_NOT_STARTED while the parent's start() awaits an onInit", async () => {
    const a = gated("a", new Counters());
    const app = createContainer(manifestOf(a.record));
    const starting = app.start();
    await tick();
    await expect(app.child().start()).rejects.toMatchObject({ code: "CONTAINER_NOT_STARTED" });
    a.open();
    await starting;
    await app.child().start();
  });

  it("sends a throwing listener's error to onWarning and changes nothing", async () => {
    class A {}
    const warnings: string[] = [];
    const app = createContainer(manifestOf(mod("a", A)), { onWarning: (m) => warnings.push(m) });
    app.on("built", () => {
      throw new Error("listener broke");
    });
    await app.start();
    expect(app.get(A)).toBeInstanceOf(A);
    expect(app.modules()[0]?.state).toBe("ready");
    expect(warnings).toEqual([expect.stringMatching(/"built" listener .*listener broke/)]);
  });
});
