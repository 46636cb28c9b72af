import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createContainer,
  isProvider,
  provide,
  token,
  type ModuleRegistryError,
  type Provided,
  type Provider,
} from "../src/index.js";
import { Journal, manifestOf, mod, prov, tick } from "./support.js";

class Config {
  readonly url = "postgres://db";
}

/** Stands in for a third-party client such as `pg.Pool`. */
class Pool {
  ended = false;
  constructor(readonly url: string) {}
  end(): void {
    this.ended = true;
  }
}

class Orders {
  constructor(
    readonly pool: Pool,
    readonly apiUrl: string,
  ) {}
}

describe("provide", () => {
  it("returns a frozen, branded provider with its options, function and hooks", () => {
    const fn = (config: Config): Pool => new Pool(config.url);
    const pool = provide({ id: "pool", version: "1.0.0" }, fn, { dispose: (p) => p.end() });
    expect(isProvider(pool)).toBe(true);
    expect(isProvider({ options: {}, fn })).toBe(false);
    expect(Object.isFrozen(pool)).toBe(true);
    expect(pool.options).toEqual({ id: "pool", version: "1.0.0" });
    expect(pool.fn).toBe(fn);
    expectTypeOf(pool).toEqualTypeOf<Provider<Pool, [config: Config]>>();
    expectTypeOf<Provided<typeof pool>>().toEqualTypeOf<Pool>();
    const asyncPool = provide({}, () => Promise.resolve(new Pool("x")));
    expectTypeOf(asyncPool).toEqualTypeOf<Provider<Pool, []>>();
  });

  it("rejects malformed options and hooks with MODULE_INVALID_OPTIONS", () => {
    expect(() => provide({ id: "x", scope: "forever" as never }, () => 1)).toThrow(
      expect.objectContaining({ code: "MODULE_INVALID_OPTIONS", moduleId: "x" }),
    );
    expect(() => provide({}, "not a function" as never)).toThrow(
      /the second argument must be the provider function/,
    );
    expect(() => provide({}, () => 1, { dispose: "no" as never })).toThrow(
      /hooks.dispose must be a function or false/,
    );
    expect(() => provide({ unknown: 1 } as never, () => 1)).toThrow(/unknown option "unknown"/);
  });
});

describe("Container with providers", () => {
  it("injects what a provider function returns, by type and by id, calling it once", async () => {
    let calls = 0;
    const pool = provide({ id: "pool" }, (config: Config) => (calls++, new Pool(config.url)));
    const apiUrl = provide({ id: "api-url" }, () => "http://localhost:8080");
    const app = createContainer(
      manifestOf(
        mod("config", Config),
        prov("pool", pool, { provides: ["ext#Pool"], deps: [{ id: "config" }] }),
        prov("api-url", apiUrl),
        mod("orders", Orders, { deps: [{ iface: "ext#Pool" }, { id: "api-url" }] }),
      ),
    );
    await app.start();
    const orders = app.get(Orders);
    expect(orders.pool).toBeInstanceOf(Pool);
    expect(orders.pool.url).toBe("postgres://db");
    expect(orders.apiUrl).toBe("http://localhost:8080");
    expect(app.get(pool)).toBe(orders.pool);
    expectTypeOf(app.get(pool)).toEqualTypeOf<Pool>();
    expect(app.get(token<Pool>("ext#Pool"))).toBe(orders.pool);
    expect(app.get<string>("api-url")).toBe("http://localhost:8080");
    expect(app.has(pool)).toBe(true);
    expect(calls).toBe(1);
  });

  it("awaits an async provider in load order before its dependents are built", async () => {
    const journal = new Journal();
    const pool = provide({ id: "pool" }, async (config: Config) => {
      journal.add("connect");
      await tick(5);
      journal.add("connected");
      return new Pool(config.url);
    });
    class Repo {
      constructor(readonly pool: Pool) {
        journal.add(`repo gets ${pool.constructor.name}`);
      }
    }
    const app = createContainer(
      manifestOf(
        mod("config", Config),
        prov("pool", pool, { asyncInit: true, deps: [{ id: "config" }] }),
        mod("repo", Repo, { deps: [{ id: "pool" }] }),
      ),
    );
    await app.start();
    expect(journal.entries).toEqual(["connect", "connected", "repo gets Pool"]);
    expect(app.get(Repo).pool).toBe(app.get(pool));
  });

  it("throws MODULE_ASYNC_INIT from get of an async lazy provider not built yet, and resolve builds it once", async () => {
    let calls = 0;
    const slow = provide(
      { id: "slow", scope: "lazy" },
      async () => (calls++, await tick(), new Pool("slow")),
    );
    const app = createContainer(manifestOf(prov("slow", slow, { scope: "lazy", asyncInit: true })));
    await app.start();
    expect(() => app.get(slow)).toThrow(
      expect.objectContaining({
        code: "MODULE_ASYNC_INIT",
        message: expect.stringContaining(
          'module "slow" cannot be built synchronously: it is an async provider',
        ),
      }),
    );
    expect(calls).toBe(0);
    const [a, b] = await Promise.all([app.resolve(slow), app.resolve(slow)]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    expect(app.get(slow)).toBe(a);
  });

  it("builds a factory-scoped provider per call with its runtime arguments", async () => {
    const job = provide(
      { id: "job", scope: "factory", args: ["tenant"] },
      (config: Config, tenant: string) => ({
        url: config.url,
        tenant,
      }),
    );
    const app = createContainer(
      manifestOf(
        mod("config", Config),
        prov("job", job, { scope: "factory", args: 1, deps: [{ id: "config" }] }),
      ),
    );
    await app.start();
    const a = app.create(job, "a");
    const b = app.create(job, "b");
    expect(a).toEqual({ url: "postgres://db", tenant: "a" });
    expect(b.tenant).toBe("b");
    expect(a).not.toBe(b);
  });

  it("rejects a factory provider whose function returns a promise", async () => {
    const job = provide({ scope: "factory" }, () => Promise.resolve(1));
    const app = createContainer(manifestOf(prov("job", job, { scope: "factory" })));
    await app.start();
    expect(() => app.get(job)).toThrow(
      expect.objectContaining({ code: "MODULE_ASYNC_INIT", moduleId: "job" }),
    );
  });

  it("reports a throwing or rejecting provider function as MODULE_LOAD_FAILED with its cause", async () => {
    const broken = provide({}, () => {
      throw new Error("no database");
    });
    const app = createContainer(manifestOf(prov("broken", broken)));
    await expect(app.start()).rejects.toMatchObject({
      code: "MODULE_LOAD_FAILED",
      moduleId: "broken",
      message: expect.stringContaining('module "broken" failed in its provider function: no database'),
      cause: new Error("no database"),
    });
    const rejecting = provide({}, () => Promise.reject(new Error("refused")));
    const other = createContainer(manifestOf(prov("rejecting", rejecting, { asyncInit: true })));
    await expect(other.start()).rejects.toMatchObject({
      code: "MODULE_LOAD_FAILED",
      cause: new Error("refused"),
    });
    expect(other.modules()[0]).toMatchObject({ state: "disposed" });
  });

  it("isolates a failing async provider: dependents are skipped, start resolves", async () => {
    const broken = provide({}, () => Promise.reject(new Error("refused")));
    const app = createContainer(
      manifestOf(
        prov("broken", broken, { asyncInit: true }),
        mod("orders", Config, { deps: [{ id: "broken", inject: "none" }] }),
      ),
    );
    await app.start({ isolateFailures: true });
    expect(app.modules().map((m) => [m.id, m.state])).toEqual([
      ["broken", "failed"],
      ["orders", "skipped"],
    ]);
  });

  it("disposes provider values in reverse build order: hooks.dispose, Symbol.asyncDispose, Symbol.dispose", async () => {
    const journal = new Journal();
    const hooked = provide({}, () => new Pool("hooked"), { dispose: (p) => journal.add(`end ${p.url}`) });
    const asyncDisposable = provide({}, () => ({
      [Symbol.asyncDispose]: async () => {
        await tick();
        journal.add("asyncDispose");
      },
    }));
    const disposable = provide({}, () => ({ [Symbol.dispose]: () => journal.add("dispose") }));
    const notOurs = provide({}, () => ({ [Symbol.dispose]: () => journal.add("never") }), { dispose: false });
    const withOnDispose = provide({}, () => ({ onDispose: () => journal.add("onDispose is a class hook") }));
    const app = createContainer(
      manifestOf(
        prov("a", hooked),
        prov("b", asyncDisposable, { deps: [{ id: "a", inject: "none" }] }),
        prov("c", disposable, { deps: [{ id: "b", inject: "none" }] }),
        prov("d", notOurs, { deps: [{ id: "c", inject: "none" }] }),
        prov("e", withOnDispose, { deps: [{ id: "d", inject: "none" }] }),
      ),
    );
    await app.start();
    await app.dispose();
    expect(journal.entries).toEqual(["dispose", "asyncDispose", "end hooked"]);
    expect(app.modules().every((m) => m.state === "disposed")).toBe(true);
  });

  it("reports a failing dispose hook as MODULE_DISPOSE_FAILED and still disposes the rest", async () => {
    const journal = new Journal();
    const first = provide({}, () => 1, { dispose: () => journal.add("first") });
    const failing = provide({}, () => 2, {
      dispose: () => {
        throw new Error("stuck");
      },
    });
    const app = createContainer(
      manifestOf(prov("first", first), prov("second", failing, { deps: [{ id: "first", inject: "none" }] })),
    );
    await app.start();
    const error: unknown = await app.dispose().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MODULE_DISPOSE_FAILED", moduleId: "second" });
    expect((error as ModuleRegistryError).errors?.[0]).toMatchObject({
      message: expect.stringContaining('module "second" failed in its dispose hook: stuck'),
    });
    expect(journal.entries).toEqual(["first"]);
  });

  it("overrides a provider by the provider itself, by id and by token", async () => {
    const pool = provide({ id: "pool" }, () => new Pool("real"));
    const manifest = manifestOf(prov("pool", pool, { provides: ["ext#Pool"] }));
    const fake = new Pool("fake");
    for (const provideKey of [pool, "pool", token<Pool>("ext#Pool")]) {
      const app = createContainer(manifest, { overrides: [{ provide: provideKey, useValue: fake }] });
      await app.start();
      expect(app.get(pool)).toBe(provideKey === pool || provideKey === "pool" ? fake : app.get(pool));
      expect(app.get(token<Pool>("ext#Pool"))).toBe(fake);
      await app.dispose();
    }
    expect(fake.ended).toBe(false);
    const factory = createContainer(manifest, {
      overrides: [{ provide: pool, useFactory: () => new Pool("from factory") }],
    });
    await factory.start();
    expect(factory.get(pool).url).toBe("from factory");
  });

  it("shows providers in modules(), discover() and the graph, and emits built with the value", async () => {
    const apiUrl = provide({ id: "api-url", capabilities: ["http"] }, () => "http://x");
    const app = createContainer(
      manifestOf(
        prov("api-url", apiUrl, { capabilities: ["http"] }),
        mod("orders", Config, { deps: [{ id: "api-url", inject: "none" }] }),
      ),
    );
    const built: unknown[] = [];
    app.on("built", (e) => built.push([e.id, e.instance]));
    await app.start();
    expect(app.modules().map((m) => [m.id, m.kind])).toEqual([
      ["api-url", "provider"],
      ["orders", "class"],
    ]);
    expect(app.discover({ capabilities: ["http"] }).map((m) => m.id)).toEqual(["api-url"]);
    expect(app.graph.loadOrder()).toEqual(["api-url", "orders"]);
    expect(app.graph.dependentsOf("api-url")).toEqual(["orders"]);
    expect(built).toEqual([
      ["api-url", "http://x"],
      ["orders", app.get(Config)],
    ]);
  });

  it("rejects a malformed provider record with INVALID_MANIFEST", () => {
    const record = { id: "x", provider: { fn: () => 1 }, create: () => 1 };
    expect(() => createContainer({ formatVersion: 1, modules: [record as never] })).toThrow(
      expect.objectContaining({
        code: "INVALID_MANIFEST",
        message: expect.stringContaining("provider must be the result of provide()"),
      }),
    );
  });

  it("names the provider when get() finds no module for it", async () => {
    const stray = provide({ id: "stray" }, () => 1);
    const app = createContainer(manifestOf());
    await app.start();
    expect(() => app.get(stray)).toThrow(
      expect.objectContaining({
        code: "MODULE_NOT_FOUND",
        message: expect.stringContaining('no module for provider "stray"'),
      }),
    );
  });
});
