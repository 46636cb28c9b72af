import { describe, expect, it } from "vitest";
import { RESOLVER_KEY, type Resolver, createContainer, provide, token } from "../src/index.js";
import { manifestOf, mod, prov, tick } from "./support.js";

const resolverDep = { iface: RESOLVER_KEY, inject: "resolver" as const, param: "resolver" };

class Plugins {
  constructor(readonly resolver: Resolver) {}
}

describe("a Resolver parameter", () => {
  it("receives the container that built the module", async () => {
    const app = createContainer(manifestOf(mod("plugins", Plugins, { deps: [resolverDep] })));
    await app.start();
    expect(app.get<Plugins>("plugins").resolver).toBe(app);
    expect(app.modules()[0]!.dependencies[0]).toMatchObject({
      inject: "resolver",
      deferred: true,
      resolved: [],
    });
  });

  it("is a deferred edge: no build order, never a cycle, lookups of a module that needs its owner", async () => {
    const built: string[] = [];
    class A {
      constructor(readonly resolver: Resolver) {
        built.push("a");
      }
      b(): B {
        return this.resolver.get(B);
      }
    }
    class B {
      constructor(readonly a: A) {
        built.push("b");
      }
    }
    const app = createContainer(
      manifestOf(mod("a", A, { deps: [resolverDep] }), mod("b", B, { deps: [{ id: "a" }], scope: "lazy" })),
    );
    await app.start();
    expect(app.graph.loadOrder()).toEqual(["a", "b"]);
    expect(app.graph.findCycle()).toBeUndefined();
    expect(app.get<A>("a").b().a).toBe(app.get("a"));
    expect(built).toEqual(["a", "b"]);
  });

  it("gives a child's own copy the child, and a shared module its parent", async () => {
    class Clock {}
    class Shared {
      constructor(readonly resolver: Resolver) {}
    }
    class Rebuilt {
      constructor(
        readonly resolver: Resolver,
        readonly clock: Clock,
      ) {}
    }
    const parent = createContainer(
      manifestOf(
        mod("clock", Clock),
        mod("shared", Shared, { deps: [resolverDep] }),
        mod("rebuilt", Rebuilt, { deps: [resolverDep, { id: "clock" }] }),
      ),
    );
    await parent.start();
    const child = parent.child({ overrides: [{ provide: "clock", useValue: new Clock() }] });
    class Own extends Shared {}
    child.load(manifestOf(mod("own", Own, { deps: [resolverDep] })));
    await child.start();
    expect(child.get<Shared>("shared").resolver).toBe(parent);
    expect(child.get<Rebuilt>("rebuilt").resolver).toBe(child);
    expect(child.get<Shared>("own").resolver).toBe(child);
  });

  it("works for provider functions too", async () => {
    const lookup = provide({ id: "lookup" }, (r: Resolver) => (id: string) => r.has(id));
    const app = createContainer(manifestOf(prov("lookup", lookup, { deps: [resolverDep] })));
    await app.start();
    expect(app.get(lookup)("lookup")).toBe(true);
    expect(app.get(lookup)("nope")).toBe(false);
  });
});

interface Exporter {
  readonly name: string;
}
const exporters = token<Exporter>("app#Exporter");

/** An exporter whose async onInit counts how often it ran. */
function exporter(name: string, counts: Map<string, number>) {
  return class implements Exporter {
    readonly name = name;
    async onInit(): Promise<void> {
      await tick(5);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  };
}

describe("resolveAll", () => {
  function setup() {
    const counts = new Map<string, number>();
    const app = createContainer(
      manifestOf(
        mod("csv", exporter("csv", counts), {
          scope: "lazy",
          asyncInit: true,
          provides: ["app#Exporter"],
          capabilities: ["export"],
        }),
        mod("json", exporter("json", counts), {
          scope: "lazy",
          asyncInit: true,
          provides: ["app#Exporter"],
          capabilities: ["export"],
        }),
      ),
    );
    return { app, counts };
  }

  it("is the async getAll: builds lazy providers with an async onInit, in id order", async () => {
    const { app, counts } = setup();
    await app.start();
    expect(() => app.getAll(exporters)).toThrow(expect.objectContaining({ code: "MODULE_ASYNC_INIT" }));
    expect((await app.resolveAll(exporters)).map((e) => e.name)).toEqual(["csv", "json"]);
    expect((await app.resolveAll<Exporter>({ capabilities: ["export"] })).map((e) => e.name)).toEqual([
      "csv",
      "json",
    ]);
    expect(app.getAll(exporters).map((e) => e.name)).toEqual(["csv", "json"]);
    expect([...counts]).toEqual([
      ["csv", 1],
      ["json", 1],
    ]);
  });

  it("shares builds with concurrent resolve and resolveAll calls: each provider built once", async () => {
    const { app, counts } = setup();
    await app.start();
    const all = await Promise.all([
      app.resolveAll(exporters),
      app.resolve("json"),
      app.resolveAll(exporters),
    ]);
    expect(all[0]).toEqual(all[2]);
    expect(all[0][1]).toBe(all[1]);
    expect([...counts]).toEqual([
      ["csv", 1],
      ["json", 1],
    ]);
  });

  it("rejects with CONTAINER_DISPOSED when the container is disposed meanwhile, and disposes what it built", async () => {
    const { app } = setup();
    await app.start();
    const pending = app.resolveAll(exporters).catch((e: unknown) => e);
    await app.dispose();
    expect(await pending).toMatchObject({ code: "CONTAINER_DISPOSED" });
  });

  it("checks its argument and that the container started", async () => {
    const { app } = setup();
    await expect(app.resolveAll(exporters)).rejects.toMatchObject({ code: "CONTAINER_NOT_STARTED" });
    await app.start();
    await expect(app.resolveAll("csv" as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("resolveAll(query)"),
    });
  });
});
