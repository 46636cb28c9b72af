import { ModuleRegistryError } from "@modreg/core";
import { describe, expect, it } from "vitest";
import { createMemoryStore, type TenantStore } from "../src/index.js";

async function rejectsWith(promise: Promise<unknown>, code: string, text: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ModuleRegistryError.is(error, code as never), String(error)).toBe(true);
  expect((error as Error).message).toContain(text);
}

describe("createMemoryStore", () => {
  it("reads undefined for a tenant never written, and the seed for a seeded one", async () => {
    const store = createMemoryStore({
      acme: { modules: ["tasks", "hr-core", "tasks"], flags: { beta: true } },
    });
    expect(await store.read("nobody")).toBeUndefined();
    expect(await store.read("acme")).toEqual({
      tenantId: "acme",
      modules: ["hr-core", "tasks"],
      flags: { beta: true },
      revision: 1,
    });
    expect(await store.list()).toEqual(["acme"]);
  });

  it("applies an update to an empty state for a new tenant and bumps the revision each time", async () => {
    const store = createMemoryStore();
    const seen: number[] = [];
    const first = await store.update("t1", (current) => {
      seen.push(current.revision);
      expect(current).toEqual({ tenantId: "t1", modules: [], flags: {}, revision: 0 });
      return { modules: ["tasks"] };
    });
    expect(first).toEqual({ tenantId: "t1", modules: ["tasks"], flags: {}, revision: 1 });
    const second = await store.update("t1", (current) => ({
      flags: { ...current.flags, limit: 10, plan: "pro" },
    }));
    expect(second).toEqual({
      tenantId: "t1",
      modules: ["tasks"],
      flags: { limit: 10, plan: "pro" },
      revision: 2,
    });
    expect(await store.read("t1")).toEqual(second);
    expect(seen).toEqual([0]);
  });

  it("never loses a write among many concurrent updaters", async () => {
    const store = createMemoryStore();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.update("t", (s) => ({
          flags: { ...s.flags, [`f${i}`]: true },
          modules: [...s.modules, `m${i}`],
        })),
      ),
    );
    const state = await store.read("t");
    expect(state?.revision).toBe(50);
    expect(Object.keys(state?.flags ?? {})).toHaveLength(50);
    expect(state?.modules).toHaveLength(50);
  });

  it("hands out frozen snapshots that callers cannot change", async () => {
    const flags: Record<string, boolean> = { a: true };
    const store = createMemoryStore();
    const state = await store.update("t", () => ({ flags }));
    flags["a"] = false;
    expect((await store.read("t"))?.flags).toEqual({ a: true });
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.flags)).toBe(true);
    expect(Object.isFrozen(state.modules)).toBe(true);
  });

  it("keeps a flag named __proto__ as a flag", async () => {
    const store = createMemoryStore();
    const state = await store.update("t", () => ({
      flags: JSON.parse('{"__proto__": true}') as Record<string, boolean>,
    }));
    expect(Object.keys(state.flags)).toEqual(["__proto__"]);
  });

  it("writes nothing and rethrows when the update callback throws", async () => {
    const store = createMemoryStore({ t: { flags: { a: true } } });
    const boom = new Error("refused");
    await expect(
      store.update("t", () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.read("t")).toEqual({ tenantId: "t", modules: [], flags: { a: true }, revision: 1 });
  });

  it("rejects bad input with INVALID_ARGUMENT and writes nothing", async () => {
    const store: TenantStore = createMemoryStore();
    await rejectsWith(store.read(""), "INVALID_ARGUMENT", "tenant id must be a non-empty string");
    await rejectsWith(store.read(42 as never), "INVALID_ARGUMENT", "got number 42");
    await rejectsWith(
      store.update("t", () => ({ flags: { a: null as never } })),
      "INVALID_ARGUMENT",
      'flag "a" must be a boolean, a string or a finite number, got null',
    );
    await rejectsWith(
      store.update("t", () => ({ flags: { n: Number.NaN } })),
      "INVALID_ARGUMENT",
      'flag "n"',
    );
    await rejectsWith(
      store.update("t", () => ({ flags: [] as never })),
      "INVALID_ARGUMENT",
      "got an array",
    );
    await rejectsWith(
      store.update("t", () => ({ modules: "tasks" as never })),
      "INVALID_ARGUMENT",
      "modules must be an array",
    );
    await rejectsWith(
      store.update("t", () => ({ modules: [""] })),
      "INVALID_ARGUMENT",
      "module id must be a non-empty string",
    );
    await rejectsWith(
      store.update("t", () => ({ enabled: [] }) as never),
      "INVALID_ARGUMENT",
      'unknown field "enabled"',
    );
    await rejectsWith(
      store.update("t", () => undefined as never),
      "INVALID_ARGUMENT",
      "must return { modules?, flags? }",
    );
    expect(await store.list()).toEqual([]);
    expect(() => createMemoryStore({ t: { flags: { x: {} as never } } })).toThrow(
      /INVALID_ARGUMENT: createMemoryStore\(seed\["t"\]\)/,
    );
  });

  it("refuses every call after close with STORE_FAILED", async () => {
    const store = createMemoryStore({ t: {} });
    await store.close?.();
    await rejectsWith(store.read("t"), "STORE_FAILED", "store.read: the store is closed");
    await rejectsWith(
      store.update("t", () => ({})),
      "STORE_FAILED",
      "closed",
    );
    await rejectsWith(store.list(), "STORE_FAILED", "closed");
  });
});
