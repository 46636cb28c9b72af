import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ContainerScope,
  type Lazy,
  RESOLVER_KEY,
  type Resolver,
  createContainer,
  provide,
  scopeValue,
  token,
} from "../src/index.js";
import { Journal, manifestOf, mod, prov, tick } from "./support.js";

class Config {
  readonly name = "shop";
}
class Log {
  readonly lines: string[] = [];
}
interface Request {
  readonly url: string;
}
const request = provide({ id: "request", scope: "scoped" }, scopeValue<Request>());

const journal = new Journal();

class RequestContext {
  constructor(
    readonly config: Config,
    readonly log: Log,
    readonly request: Request,
  ) {
    journal.add(`build context ${request.url}`);
  }
  onDispose(): void {
    journal.add(`dispose context ${this.request.url}`);
  }
}

class Audit {
  constructor(readonly context: RequestContext) {
    journal.add("build audit");
  }
  async onDispose(): Promise<void> {
    await tick();
    journal.add("dispose audit");
  }
}

/** A factory module that needs the scope (through RequestContext). */
class Job {
  constructor(
    readonly context: RequestContext,
    readonly name: string,
  ) {}
}

const records = () => [
  mod("config", Config),
  mod("log", Log),
  prov("request", request, { scope: "scoped" }),
  mod("context", RequestContext, {
    scope: "scoped",
    deps: [{ id: "config" }, { id: "log" }, { id: "request" }],
  }),
  mod("audit", Audit, { scope: "scoped", deps: [{ id: "context" }] }),
  mod("job", Job, { scope: "factory", args: 1, deps: [{ id: "context" }] }),
];

async function started() {
  const app = createContainer(manifestOf(...records()));
  await app.start();
  return app;
}

describe("Container.scope", () => {
  it("builds one instance of a scoped module per scope, sharing singletons", async () => {
    const app = await started();
    const a = app.scope({ values: { request: { url: "/a" } } });
    const b = app.scope({ values: new Map([[request, { url: "/b" }]]) });
    const ca = a.get(RequestContext);
    expect(a.get(RequestContext)).toBe(ca);
    expect(a.get("context")).toBe(ca);
    const cb = b.get(RequestContext);
    expect(cb).not.toBe(ca);
    expect(ca.request.url).toBe("/a");
    expect(cb.request.url).toBe("/b");
    expect(ca.config).toBe(app.get(Config));
    expect(cb.log).toBe(app.get(Log));
    expect(a.get(Audit).context).toBe(ca);
    expect(a.get(request)).toEqual({ url: "/a" });
    expect(a.get(Config)).toBe(app.get(Config));
    await a.dispose();
    await b.dispose();
    await app.dispose();
  });

  it("disposes what the scope built in reverse order, never its values", async () => {
    const app = await started();
    journal.entries.length = 0;
    const req = { url: "/x", disposed: false, [Symbol.dispose]: () => (req.disposed = true) };
    {
      await using s = app.scope({ values: { request: req } });
      s.get(Audit);
    }
    expect(journal.entries).toEqual([
      "build context /x",
      "build audit",
      "dispose audit",
      "dispose context /x",
    ]);
    expect(req.disposed).toBe(false);
    await app.dispose();
  });

  it("builds a factory module that needs the scope in the scope, with its runtime arguments", async () => {
    const app = await started();
    const s = app.scope({ values: { request: { url: "/job" } } });
    const job = s.create(Job, "nightly");
    expect(job.name).toBe("nightly");
    expect(job.context).toBe(s.get(RequestContext));
    expect(s.create(Job, "other")).not.toBe(job);
    expect(() => s.create(Job)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    await s.dispose();
    await app.dispose();
  });

  it("refuses a scoped module, or a factory that needs one, outside a scope", async () => {
    const app = await started();
    expect(() => app.get(RequestContext)).toThrow(
      expect.objectContaining({ code: "MODULE_SCOPE_REQUIRED", moduleId: "context" }),
    );
    await expect(app.resolve(Audit)).rejects.toMatchObject({ code: "MODULE_SCOPE_REQUIRED" });
    expect(() => app.create(Job, "x")).toThrow(expect.objectContaining({ code: "MODULE_SCOPE_REQUIRED" }));
    await app.dispose();
  });

  it("reports a scope value the scope does not supply", async () => {
    const app = await started();
    const s = app.scope();
    expect(() => s.get(RequestContext)).toThrow(
      expect.objectContaining({ code: "MODULE_SCOPE_VALUE_MISSING", moduleId: "request" }),
    );
    // nothing half-built stays behind: supplying it in another scope works
    expect(app.scope({ values: { request: { url: "/ok" } } }).get(RequestContext).request.url).toBe("/ok");
    await app.dispose();
  });

  it("rejects bad values: not a plain object or Map, an unknown key, a non-scoped module", async () => {
    const app = await started();
    for (const values of [[1, 2], "request", new (class Values {})()]) {
      expect(() => app.scope({ values: values as never })).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/plain object/) }),
      );
    }
    expect(() => app.scope({ values: { requst: {} } })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/"requst"/) }),
    );
    expect(() => app.scope({ values: { config: new Config() } })).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringMatching(/singleton-scoped/),
      }),
    );
    expect(() => app.scope({ value: {} } as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(() => app.scope(null as never)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    await app.dispose();
  });

  it("refuses a disposed scope, and a scope of a container not started", async () => {
    const app = createContainer(manifestOf(...records()));
    expect(() => app.scope()).toThrow(expect.objectContaining({ code: "CONTAINER_NOT_STARTED" }));
    await app.start();
    const s = app.scope({ values: { request: { url: "/" } } });
    s.get(RequestContext);
    await s.dispose();
    await s.dispose(); // once
    for (const use of [() => s.get(RequestContext), () => s.get(Config), () => s.getAll(token("x"))]) {
      expect(use).toThrow(expect.objectContaining({ code: "SCOPE_DISPOSED" }));
    }
    await expect(s.resolve(RequestContext)).rejects.toMatchObject({ code: "SCOPE_DISPOSED" });
    await app.dispose();
  });

  it("awaits async scoped modules with resolve, and refuses them in get", async () => {
    const session = provide({ id: "session", scope: "scoped" }, async (req: Request) => {
      await tick();
      return { user: `user of ${req.url}` };
    });
    class Page {
      constructor(readonly session: { user: string }) {}
      async onInit(): Promise<void> {
        await tick();
      }
    }
    const app = createContainer(
      manifestOf(
        prov("request", request, { scope: "scoped" }),
        prov("session", session, { scope: "scoped", asyncInit: true, deps: [{ id: "request" }] }),
        mod("page", Page, { scope: "scoped", asyncInit: true, deps: [{ id: "session" }] }),
      ),
    );
    await app.start();
    const s = app.scope({ values: { request: { url: "/me" } } });
    expect(() => s.get(Page)).toThrow(expect.objectContaining({ code: "MODULE_ASYNC_INIT" }));
    const [p1, p2] = await Promise.all([s.resolve(Page), s.resolve(Page)]);
    expect(p1).toBe(p2);
    expect(p1.session.user).toBe("user of /me");
    expect(s.get(Page)).toBe(p1);
    await s.dispose();
    await app.dispose();
  });

  it("gives Lazy<T> of a scoped module inside the scope, and wraps a failing constructor", async () => {
    class Reader {
      constructor(readonly context: Lazy<RequestContext>) {}
    }
    class Broken {
      constructor() {
        throw new Error("boom");
      }
    }
    const app = createContainer(
      manifestOf(
        ...records(),
        mod("reader", Reader, { scope: "scoped", deps: [{ id: "context", inject: "lazy" }] }),
        mod("broken", Broken, { scope: "scoped" }),
      ),
    );
    await app.start();
    const s = app.scope({ values: { request: { url: "/lazy" } } });
    expect(s.get(Reader).context()).toBe(s.get(RequestContext));
    expect(() => s.get(Broken)).toThrow(
      expect.objectContaining({ code: "MODULE_LOAD_FAILED", moduleId: "broken", cause: new Error("boom") }),
    );
    await s.dispose();
    await app.dispose();
  });

  it("collects dispose failures into MODULE_DISPOSE_FAILED after disposing the rest", async () => {
    const disposed: string[] = [];
    const a = provide({ id: "a", scope: "scoped" }, () => "a", { dispose: () => void disposed.push("a") });
    const b = provide({ id: "b", scope: "scoped" }, () => "b", {
      dispose: () => {
        throw new Error("b failed");
      },
    });
    const app = createContainer(
      manifestOf(prov("a", a, { scope: "scoped" }), prov("b", b, { scope: "scoped" })),
    );
    await app.start();
    const s = app.scope();
    s.get(a);
    s.get(b);
    await expect(s.dispose()).rejects.toMatchObject({ code: "MODULE_DISPOSE_FAILED", moduleId: "b" });
    expect(disposed).toEqual(["a"]);
    await app.dispose();
  });

  it("bounds a scoped module's onDispose by initTimeoutMs, still disposing the rest", async () => {
    const disposed: string[] = [];
    class Stuck {
      onDispose(): Promise<void> {
        return new Promise(() => undefined); // never settles
      }
    }
    class Quick {
      onDispose(): void {
        disposed.push("quick");
      }
    }
    class Bounded {
      onDispose(): Promise<void> {
        return new Promise(() => undefined);
      }
    }
    const app = createContainer(
      manifestOf(
        mod("quick", Quick, { scope: "scoped" }),
        mod("stuck", Stuck, { scope: "scoped" }),
        mod("bounded", Bounded, { scope: "scoped", initTimeoutMs: 5 }),
      ),
      { initTimeoutMs: 20 },
    );
    await app.start();
    const s = app.scope();
    s.get(Quick);
    s.get(Stuck);
    s.get(Bounded);
    const error: unknown = await s.dispose().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "MODULE_DISPOSE_FAILED",
      errors: [
        { code: "MODULE_DISPOSE_FAILED", moduleId: "bounded", cause: { name: "TimeoutError" } },
        { code: "MODULE_DISPOSE_FAILED", moduleId: "stuck", cause: { name: "TimeoutError" } },
      ],
    });
    expect((error as { errors: { message: string }[] }).errors[0]!.message).toContain("5 ms");
    expect(disposed).toEqual(["quick"]);
    // disposed once: nothing half-disposed is left to retry, and the scope refuses calls
    await expect(s.dispose()).rejects.toMatchObject({ code: "MODULE_DISPOSE_FAILED" });
    expect(() => s.get(Quick)).toThrow(expect.objectContaining({ code: "SCOPE_DISPOSED" }));
    await app.dispose();
  });

  it("bounds a scoped module's async onInit by initTimeoutMs, so dispose does not wait forever", async () => {
    class Hanging {
      onInit(): Promise<void> {
        return new Promise(() => undefined);
      }
    }
    const app = createContainer(manifestOf(mod("hanging", Hanging, { scope: "scoped", asyncInit: true })), {
      initTimeoutMs: 5,
    });
    await app.start();
    const s = app.scope();
    await expect(s.resolve(Hanging)).rejects.toMatchObject({
      code: "MODULE_LOAD_FAILED",
      moduleId: "hanging",
      cause: { name: "TimeoutError" },
    });
    await s.dispose();
    await app.dispose();
  });

  it("is typed like the container's instance APIs", async () => {
    const app = await started();
    const s = app.scope();
    expectTypeOf(s).toEqualTypeOf<ContainerScope>();
    expectTypeOf(() => s.get(RequestContext)).returns.toEqualTypeOf<RequestContext>();
    expectTypeOf(() => s.get(request)).returns.toEqualTypeOf<Request>();
    expectTypeOf(() => s.resolve(Audit)).returns.toEqualTypeOf<Promise<Audit>>();
    await app.dispose();
  });
});

describe("captive dependencies at start()", () => {
  class Cache {
    constructor(readonly context: unknown) {}
  }

  it("rejects a singleton with a build edge to a scoped module, with the path", async () => {
    const app = createContainer(manifestOf(...records(), mod("cache", Cache, { deps: [{ id: "context" }] })));
    await expect(app.start()).rejects.toMatchObject({
      code: "MODULE_CAPTIVE_DEPENDENCY",
      moduleId: "cache",
      path: ["cache", "context"],
    });
  });

  it("rejects one through a factory module, and a Lazy of a scoped module from a lazy module", async () => {
    const through = createContainer(manifestOf(...records(), mod("cache", Cache, { deps: [{ id: "job" }] })));
    await expect(through.start()).rejects.toMatchObject({
      code: "MODULE_CAPTIVE_DEPENDENCY",
      path: ["cache", "job", "context"],
    });
    const lazy = createContainer(
      manifestOf(
        ...records(),
        mod("cache", Cache, { scope: "lazy", deps: [{ id: "audit", inject: "lazy" }] }),
      ),
    );
    await expect(lazy.start()).rejects.toMatchObject({
      code: "MODULE_CAPTIVE_DEPENDENCY",
      message: expect.stringMatching(/through a Lazy\/Factory/),
      path: ["cache", "audit"],
    });
  });

  it("allows scoped and factory modules to depend on scoped ones", async () => {
    const app = createContainer(
      manifestOf(
        ...records(),
        mod("cache", Cache, { scope: "scoped", deps: [{ id: "job", inject: "factory" }] }),
      ),
    );
    await expect(app.start()).resolves.toBeUndefined();
    await app.dispose();
  });
});

describe("a Resolver inside a scope", () => {
  const resolverDep = { iface: RESOLVER_KEY, inject: "resolver" as const, param: "resolver" };
  class Handler {
    constructor(readonly resolver: Resolver) {}
  }
  class Task {
    constructor(
      readonly resolver: Resolver,
      readonly name: string,
    ) {}
  }
  const Plugin = token<{ readonly name: string }>("test#Plugin");
  const fast = provide({ id: "fast", scope: "scoped" }, () => ({ name: "fast" }));
  const slow = provide({ id: "slow", scope: "scoped" }, async () => {
    await tick();
    return { name: "slow" };
  });
  const resolverRecords = () => [
    ...records(),
    mod("handler", Handler, { scope: "scoped", deps: [resolverDep] }),
    mod("task", Task, { scope: "factory", args: 1, deps: [resolverDep] }),
    prov("fast", fast, { scope: "scoped", provides: ["test#Plugin"] }),
    prov("slow", slow, { scope: "scoped", asyncInit: true, provides: ["test#Plugin"] }),
  ];

  it("gives a scoped module the scope that builds it, so its lookups stay in that scope", async () => {
    const app = createContainer(manifestOf(...resolverRecords()));
    await app.start();
    const s = app.scope({ values: { request: { url: "/r" } } });
    const handler = s.get(Handler);
    expect(handler.resolver === s).toBe(true);
    expect(handler.resolver.get(RequestContext)).toBe(s.get(RequestContext));
    expect(handler.resolver.get(Config)).toBe(app.get(Config));
    await s.dispose();
    await app.dispose();
  });

  it("gives a factory module created in a scope that scope, and the container outside one", async () => {
    const app = createContainer(manifestOf(...resolverRecords()));
    await app.start();
    const s = app.scope({ values: { request: { url: "/t" } } });
    expect(s.create(Task, "in").resolver === s).toBe(true);
    expect(app.create(Task, "out").resolver === app).toBe(true);
    await s.dispose();
    await app.dispose();
  });

  it("resolveAll builds each async scoped provider once in the scope, in id order", async () => {
    const app = createContainer(manifestOf(...resolverRecords()));
    await app.start();
    const s = app.scope();
    expect(() => s.getAll(Plugin)).toThrow(expect.objectContaining({ code: "MODULE_ASYNC_INIT" }));
    const [all, again] = await Promise.all([s.resolveAll(Plugin), s.resolveAll(Plugin)]);
    expect(all.map((p) => p.name)).toEqual(["fast", "slow"]);
    expect(again[1]).toBe(all[1]);
    expect(s.getAll(Plugin)).toEqual(all);
    expect(await app.scope().resolveAll(Plugin)).not.toContain(all[0]);
    expect(await s.resolveAll({ capabilities: ["nothing"] })).toEqual([]);
    await s.dispose();
    await expect(s.resolveAll(Plugin)).rejects.toMatchObject({ code: "SCOPE_DISPOSED" });
    await app.dispose();
  });

  it("is typed as a Resolver", () => {
    expectTypeOf<ContainerScope>().toMatchTypeOf<Resolver>();
  });
});

describe("scope events", () => {
  it("emits built, initialized and disposed for scoped modules, with their scope", async () => {
    const app = await started();
    const seen: string[] = [];
    const scopes = new Set<unknown>();
    app.on("built", (e) => {
      seen.push(`built ${e.id}`);
      scopes.add(e.scope);
      if (e.id === "context") expect(e.instance).toBeInstanceOf(RequestContext);
    });
    app.on("initialized", (e) => void seen.push(`initialized ${e.id}`));
    app.on("disposed", (e) => {
      seen.push(`disposed ${e.id}`);
      scopes.add(e.scope);
    });
    const s = app.scope({ values: { request: { url: "/e" } } });
    s.get(Audit);
    s.create(Job, "no events"); // a factory instance belongs to its caller: no events
    await s.dispose();
    expect(seen).toEqual([
      "built context",
      "initialized context",
      "built audit",
      "initialized audit",
      "disposed audit",
      "disposed context",
    ]);
    expect([...scopes].length === 1 && [...scopes][0] === s).toBe(true);
    seen.length = 0;
    await app.dispose();
    expect(seen).toEqual(["disposed log", "disposed config"]);
  });
});

describe("disposing a container with open scopes", () => {
  it("disposes its open scopes first, newest first, then its own modules", async () => {
    class Store {
      onDispose(): void {
        journal.add("dispose store");
      }
    }
    const app = createContainer(manifestOf(...records(), mod("store", Store)));
    await app.start();
    journal.entries.length = 0;
    const a = app.scope({ values: { request: { url: "/a" } } });
    const b = app.scope({ values: { request: { url: "/b" } } });
    const idle = app.scope();
    a.get(RequestContext);
    b.get(Audit);
    app.get(Config);
    await app.dispose();
    expect(journal.entries).toEqual([
      "build context /a",
      "build context /b",
      "build audit",
      "dispose audit",
      "dispose context /b",
      "dispose context /a",
      "dispose store",
    ]);
    for (const s of [a, b, idle]) {
      expect(() => s.get(RequestContext)).toThrow(expect.objectContaining({ code: "SCOPE_DISPOSED" }));
    }
    await a.dispose(); // already disposed with the container: nothing more
    expect(() => app.scope()).toThrow(expect.objectContaining({ code: "CONTAINER_DISPOSED" }));
  });

  it("collects a scope's dispose failures with the container's, still disposing everything", async () => {
    const disposed: string[] = [];
    const bad = provide({ id: "bad", scope: "scoped" }, () => "bad", {
      dispose: () => {
        throw new Error("scoped failed");
      },
    });
    const good = provide({ id: "good" }, () => "good", { dispose: () => void disposed.push("good") });
    const app = createContainer(manifestOf(prov("bad", bad, { scope: "scoped" }), prov("good", good)));
    await app.start();
    app.scope().get(bad);
    await expect(app.dispose()).rejects.toMatchObject({
      code: "MODULE_DISPOSE_FAILED",
      moduleId: "bad",
      cause: new Error("scoped failed"),
    });
    expect(disposed).toEqual(["good"]);
  });

  it("lets a scope disposed by its user meanwhile finish, reporting its failures to that user only", async () => {
    let release!: () => void;
    const slow = provide({ id: "slow", scope: "scoped" }, () => "slow", {
      dispose: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const order: string[] = [];
    const shared = provide({ id: "shared" }, () => "shared", { dispose: () => void order.push("shared") });
    const app = createContainer(manifestOf(prov("slow", slow, { scope: "scoped" }), prov("shared", shared)));
    await app.start();
    const s = app.scope();
    s.get(slow);
    const mine = s.dispose().then(() => order.push("scope"));
    const all = app.dispose();
    await tick();
    expect(order).toEqual([]); // the container waits for the scope before its own modules
    release();
    await Promise.all([mine, all]);
    expect(order).toEqual(["scope", "shared"]);
  });
});
