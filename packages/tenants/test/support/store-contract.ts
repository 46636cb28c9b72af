/**
 * The behaviour every `TenantStore` shares, run against each implementation (memory, Postgres)
 * so they cannot drift apart.
 */
import { ModuleRegistryError, type ModuleRegistryErrorCode } from "@modreg/core";
import { expect, it } from "vitest";
import type { TenantStore } from "../../src/index.js";

/** Awaits `promise`, expecting a `ModuleRegistryError` with `code` whose message contains `text`. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: ModuleRegistryErrorCode,
  text: string,
): Promise<ModuleRegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ModuleRegistryError.is(error, code), String(error)).toBe(true);
  expect((error as Error).message).toContain(text);
  return error as ModuleRegistryError;
}

/** Registers the shared tests; `fresh()` returns an empty store of its own. */
export function tenantStoreContract(fresh: () => Promise<TenantStore> | TenantStore): void {
  it("reads undefined for a tenant never written, and lists only written tenants", async () => {
    const store = await fresh();
    expect(await store.read("nobody")).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it("applies an update to an empty state for a new tenant and bumps the revision each time", async () => {
    const store = await fresh();
    const seen: unknown[] = [];
    const first = await store.update("t1", (current) => {
      seen.push(current);
      return { modules: ["tasks", "hr-core", "tasks"] };
    });
    expect(seen).toEqual([{ tenantId: "t1", modules: [], flags: {}, revision: 0 }]);
    expect(first).toEqual({ tenantId: "t1", modules: ["hr-core", "tasks"], flags: {}, revision: 1 });
    const second = await store.update("t1", (current) => ({
      flags: { ...current.flags, limit: 10, plan: "pro" },
    }));
    expect(second).toEqual({
      tenantId: "t1",
      modules: ["hr-core", "tasks"],
      flags: { limit: 10, plan: "pro" },
      revision: 2,
    });
    expect(await store.read("t1")).toEqual(second);
    await store.update("a-first", () => ({ flags: { on: true } }));
    expect(await store.list()).toEqual(["a-first", "t1"]);
  });

  it("never loses a write among concurrent updaters", async () => {
    const store = await fresh();
    const n = 40;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        store.update("t", (s) => ({ flags: { ...s.flags, [`f${i}`]: i }, modules: [...s.modules, `m${i}`] })),
      ),
    );
    const state = await store.read("t");
    expect(state?.revision).toBe(n);
    expect(Object.keys(state?.flags ?? {})).toHaveLength(n);
    expect(state?.modules).toHaveLength(n);
  });

  it("hands out frozen snapshots that callers cannot change", async () => {
    const store = await fresh();
    const flags: Record<string, boolean> = { a: true };
    const state = await store.update("t", () => ({ flags }));
    flags["a"] = false;
    expect((await store.read("t"))?.flags).toEqual({ a: true });
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.flags)).toBe(true);
    expect(Object.isFrozen(state.modules)).toBe(true);
  });

  it("keeps a flag named __proto__ and unicode names as flags", async () => {
    const store = await fresh();
    const flags = JSON.parse('{"__proto__": true, "ünï-cødé": "x"}') as Record<string, boolean | string>;
    await store.update("t", () => ({ flags }));
    expect(Object.keys((await store.read("t"))?.flags ?? {})).toEqual(["__proto__", "ünï-cødé"]);
  });

  it("writes nothing and rethrows the callback's own error when it throws", async () => {
    const store = await fresh();
    await store.update("t", () => ({ flags: { a: true } }));
    const boom = new Error("refused");
    const refuse = () => {
      throw boom;
    };
    await expect(store.update("t", refuse)).rejects.toBe(boom);
    await expect(store.update("new", refuse)).rejects.toBe(boom);
    expect(await store.read("t")).toEqual({ tenantId: "t", modules: [], flags: { a: true }, revision: 1 });
    expect(await store.read("new")).toBeUndefined();
    expect(await store.list()).toEqual(["t"]);
  });

  it("rejects bad input with INVALID_ARGUMENT and writes nothing", async () => {
    const store = await fresh();
    await rejectsWith(store.read(""), "INVALID_ARGUMENT", "tenant id must be a non-empty string");
    await rejectsWith(store.read(42 as never), "INVALID_ARGUMENT", "got number 42");
    await rejectsWith(store.read("x".repeat(257)), "INVALID_ARGUMENT", "at most 256 characters");
    await rejectsWith(store.update("t", "nope" as never), "INVALID_ARGUMENT", "update must be a function");
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
      store.update("t", () => ({ flags: new Map() as never })),
      "INVALID_ARGUMENT",
      "plain object",
    );
    await rejectsWith(
      store.update("t", () => ({ flags: { "": true } })),
      "INVALID_ARGUMENT",
      "flag name",
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
  });

  it("refuses every call after close with STORE_FAILED", async () => {
    const store = await fresh();
    await store.update("t", () => ({}));
    await store.close?.();
    await rejectsWith(store.read("t"), "STORE_FAILED", "the store is closed");
    await rejectsWith(
      store.update("t", () => ({})),
      "STORE_FAILED",
      "closed",
    );
    await rejectsWith(store.list(), "STORE_FAILED", "closed");
  });
}
