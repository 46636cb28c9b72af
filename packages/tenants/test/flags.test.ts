import { describe, expect, it } from "vitest";
import { createFlags, createMemoryStore, type TenantStore } from "../src/index.js";
import { rejectsWith } from "./support/store-contract.js";

function counting(store: TenantStore): TenantStore & { reads: number } {
  const wrapped = {
    reads: 0,
    read: (id: string) => {
      wrapped.reads++;
      return store.read(id);
    },
    update: store.update.bind(store),
    list: store.list.bind(store),
  };
  return wrapped;
}

describe("createFlags over a store (memory tier only)", () => {
  it("reads flags, caches the tenant in memory and counts hits and misses", async () => {
    const store = counting(createMemoryStore({ acme: { flags: { beta: true, plan: "pro", seats: 5 } } }));
    const flags = createFlags({ store });
    expect(flags.isEnabledCached("acme", "beta")).toBeUndefined();
    expect(await flags.isEnabled("acme", "beta")).toBe(true);
    expect(await flags.isEnabled("acme", "plan")).toBe(false); // only the boolean true is "enabled"
    expect(flags.isEnabledCached("acme", "beta")).toBe(true);
    expect(await flags.get("acme", "plan", "free")).toBe("pro");
    expect(await flags.get("acme", "seats", 1)).toBe(5);
    expect(await flags.all("acme")).toEqual({ beta: true, plan: "pro", seats: 5 });
    expect(store.reads).toBe(1);
    const stats = flags.stats();
    expect(stats.memory).toEqual({ hits: 5, misses: 2, entries: 1 });
    expect(stats.sourceReads).toBe(1);
    expect(stats.hitRate).toBe(5 / 7);
    expect(stats.redis).toEqual({ hits: 0, misses: 0, errors: 0, available: false });
  });

  it("answers defaults for an unknown tenant or flag and a value of another type", async () => {
    const flags = createFlags({
      store: createMemoryStore({ acme: { flags: { plan: "pro", toString: 1 } } }),
    });
    expect(await flags.isEnabled("nobody", "beta")).toBe(false);
    expect(await flags.all("nobody")).toEqual({});
    expect(await flags.get("nobody", "plan", "free")).toBe("free");
    expect(await flags.get("acme", "plan", 3)).toBe(3);
    expect(await flags.get("acme", "missing", true)).toBe(true);
    expect(await flags.get("acme", "constructor", "x")).toBe("x"); // inherited names are no flags
    expect(await flags.get("acme", "toString", 0)).toBe(1);
  });

  it("coalesces concurrent misses of one tenant into one store read", async () => {
    const store = counting(createMemoryStore({ acme: { flags: { a: true } } }));
    const flags = createFlags({ store });
    const all = await Promise.all(Array.from({ length: 20 }, () => flags.isEnabled("acme", "a")));
    expect(all.every(Boolean)).toBe(true);
    expect(store.reads).toBe(1);
  });

  it("expires the memory tier after memoryTtlMs, and memoryTtlMs: 0 turns it off", async () => {
    const store = counting(createMemoryStore({ acme: { flags: { a: true } } }));
    const flags = createFlags({ store, memoryTtlMs: 30 });
    await flags.isEnabled("acme", "a");
    await flags.isEnabled("acme", "a");
    expect(store.reads).toBe(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(flags.isEnabledCached("acme", "a")).toBeUndefined();
    await flags.isEnabled("acme", "a");
    expect(store.reads).toBe(2);

    const uncached = counting(createMemoryStore({ acme: { flags: { a: true } } }));
    const off = createFlags({ store: uncached, memoryTtlMs: 0 });
    await off.isEnabled("acme", "a");
    await off.isEnabled("acme", "a");
    expect(uncached.reads).toBe(2);
  });

  it("bounds the memory tier to memoryMaxEntries tenants", async () => {
    const flags = createFlags({ store: createMemoryStore(), memoryMaxEntries: 3 });
    for (const t of ["a", "b", "c", "d"]) await flags.all(t);
    expect(flags.stats().memory.entries).toBe(3);
    expect(flags.isEnabledCached("a", "x")).toBeUndefined();
    expect(flags.isEnabledCached("d", "x")).toBe(false);
  });

  it("updates the store first, patches (null removes), and serves the new value at once", async () => {
    const store = createMemoryStore({ acme: { modules: ["tasks"], flags: { a: true, b: true } } });
    const flags = createFlags({ store });
    expect(await flags.isEnabled("acme", "a")).toBe(true);
    const changed: string[] = [];
    flags.onChange((t) => changed.push(t));
    expect(await flags.update("acme", { a: false, b: null, c: "x" })).toEqual({ a: false, c: "x" });
    expect(flags.isEnabledCached("acme", "a")).toBe(false);
    expect(await store.read("acme")).toEqual({
      tenantId: "acme",
      modules: ["tasks"],
      flags: { a: false, c: "x" },
      revision: 2,
    });
    expect(changed).toEqual(["acme"]);
    expect(flags.stats().updates).toBe(1);
  });

  it("refuses to update a tenant never written (TENANT_NOT_FOUND) unless { create: true }", async () => {
    const store = createMemoryStore();
    const flags = createFlags({ store });
    await rejectsWith(flags.update("ghost", { a: true }), "TENANT_NOT_FOUND", "pass { create: true }");
    expect(await store.list()).toEqual([]);
    expect(await flags.update("ghost", { a: true }, { create: true })).toEqual({ a: true });
    expect(await flags.isEnabled("ghost", "a")).toBe(true);
  });

  it("invalidate drops the cached copy after the store was written directly", async () => {
    const store = createMemoryStore({ acme: { flags: { a: false } } });
    const flags = createFlags({ store });
    expect(await flags.isEnabled("acme", "a")).toBe(false);
    await store.update("acme", () => ({ flags: { a: true } }));
    expect(await flags.isEnabled("acme", "a")).toBe(false); // still cached
    await flags.invalidate("acme");
    expect(await flags.isEnabled("acme", "a")).toBe(true);
  });

  it("does not cache a read that an invalidation overtook", async () => {
    let release: () => void = () => undefined;
    const inner = createMemoryStore({ acme: { flags: { a: false } } });
    const slow: TenantStore = {
      read: async (id) => {
        const state = await inner.read(id);
        await new Promise<void>((r) => (release = r));
        return state;
      },
      update: (id, fn) => inner.update(id, fn),
      list: () => inner.list(),
    };
    const flags = createFlags({ store: slow });
    const stale = flags.isEnabled("acme", "a");
    await new Promise((r) => setTimeout(r, 5));
    await flags.update("acme", { a: true });
    release();
    expect(await stale).toBe(false); // the read that started before the update
    expect(flags.isEnabledCached("acme", "a")).toBe(true); // but it did not replace the update in memory
  });

  it("reports a store that throws as STORE_FAILED with cause, and keeps its own coded errors", async () => {
    const boom = new Error("disk on fire");
    const broken: TenantStore = {
      read: () => Promise.reject(boom),
      update: () => Promise.reject(boom),
      list: () => Promise.reject(boom),
    };
    const flags = createFlags({ store: broken });
    const error = await rejectsWith(flags.isEnabled("acme", "a"), "STORE_FAILED", "disk on fire");
    expect(error.cause).toBe(boom);
    await rejectsWith(flags.update("acme", { a: true }), "STORE_FAILED", 'flags.update("acme")');
  });

  it("keeps going when an onChange listener throws, reporting it through onWarning", async () => {
    const warnings: string[] = [];
    const flags = createFlags({
      store: createMemoryStore({ acme: {} }),
      onWarning: (m) => warnings.push(m),
    });
    const off = flags.onChange(() => {
      throw new Error("listener bug");
    });
    await flags.update("acme", { a: true });
    expect(warnings).toEqual([expect.stringContaining("listener bug")]);
    off();
    await flags.update("acme", { a: false });
    expect(warnings).toHaveLength(1);
  });

  it("rejects bad input with INVALID_ARGUMENT naming it, and writes nothing", async () => {
    const store = createMemoryStore({ acme: { flags: { a: true } } });
    const flags = createFlags({ store });
    await rejectsWith(flags.isEnabled("", "a"), "INVALID_ARGUMENT", "flags.isEnabled(tenantId)");
    await rejectsWith(flags.isEnabled("acme", 7 as never), "INVALID_ARGUMENT", "flags.isEnabled(flag)");
    expect(() => flags.isEnabledCached("acme", "")).toThrow(
      /INVALID_ARGUMENT: flags.isEnabledCached\(flag\)/,
    );
    await rejectsWith(flags.get("acme", "a", null as never), "INVALID_ARGUMENT", "defaultValue must be");
    await rejectsWith(
      flags.update("acme", [] as never),
      "INVALID_ARGUMENT",
      "the patch must be a plain object",
    );
    await rejectsWith(
      flags.update("acme", "a=1" as never),
      "INVALID_ARGUMENT",
      "the patch must be a plain object",
    );
    await rejectsWith(
      flags.update("acme", { a: { on: true } } as never),
      "INVALID_ARGUMENT",
      'flag "a" must be',
    );
    await rejectsWith(flags.update("acme", { b: Number.POSITIVE_INFINITY }), "INVALID_ARGUMENT", 'flag "b"');
    await rejectsWith(flags.update("acme", { "": true }), "INVALID_ARGUMENT", "flag name");
    expect((await store.read("acme"))?.revision).toBe(1);
    expect(() => flags.onChange("x" as never)).toThrow(/INVALID_ARGUMENT/);
  });

  it("checks its options", () => {
    const store = createMemoryStore();
    expect(() => createFlags({})).toThrow(/exactly one of store .* and source/);
    expect(() => createFlags({ store: {} as never })).toThrow(/options.store\): expected a TenantStore/);
    expect(() => createFlags({ store, memoryTtlMs: -1 })).toThrow(
      /options.memoryTtlMs\): expected a finite number ≥ 0/,
    );
    expect(() => createFlags({ store, redisTtlSeconds: 0 })).toThrow(/options.redisTtlSeconds/);
    expect(() => createFlags({ store, redis: "localhost:6379" })).toThrow(
      /a node-redis client or a redis:\/\/ URL/,
    );
    expect(() => createFlags({ store, onWarning: "log" as never })).toThrow(/options.onWarning/);
    expect(() => createFlags({ store, ttl: 1 } as never)).toThrow(/unknown option "ttl"/);
  });

  it("refuses calls after close with CONTAINER_DISPOSED", async () => {
    const flags = createFlags({ store: createMemoryStore() });
    await flags.close();
    await rejectsWith(flags.isEnabled("a", "b"), "CONTAINER_DISPOSED", "the flag service is closed");
    await rejectsWith(flags.update("a", {}), "CONTAINER_DISPOSED", "closed");
  });
});
