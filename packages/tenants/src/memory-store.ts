/** The embedded store: tenants in a Map, in this process only. The default of the tenant host. */
import { compareIds, ModuleRegistryError } from "@modreg/core";
import type { FlagValue, TenantChange, TenantState, TenantStore } from "./store.js";
import { emptyTenantState } from "./store.js";
import { applyChange, checkFlags, checkModules, checkTenantId, checkUpdate } from "./validate.js";

/** Initial tenants for `createMemoryStore`, by tenant id. */
export type MemoryStoreSeed = Record<string, { modules?: string[]; flags?: Record<string, FlagValue> }>;

/**
 * A `TenantStore` in memory: fast, no server, lost when the process ends; for tests, the
 * embedded default and single-instance apps. Updates apply synchronously, so they are atomic.
 *
 * @example
 * const store = createMemoryStore({ acme: { modules: ["tasks"], flags: { beta: true } } });
 * await store.update("acme", (s) => ({ flags: { ...s.flags, beta: false } }));
 */
export function createMemoryStore(seed: MemoryStoreSeed = {}): TenantStore {
  const tenants = new Map<string, TenantState>();
  let closed = false;
  for (const [tenantId, { modules = [], flags = {} }] of Object.entries(seed)) {
    const where = `createMemoryStore(seed["${tenantId}"])`;
    checkTenantId(where, tenantId);
    tenants.set(
      tenantId,
      Object.freeze({
        tenantId,
        modules: checkModules(where, modules),
        flags: checkFlags(where, flags),
        revision: 1,
      }),
    );
  }
  const open = (where: string): void => {
    if (closed) throw new ModuleRegistryError("STORE_FAILED", `${where}: the store is closed`);
  };
  return {
    read(tenantId) {
      return Promise.resolve().then(() => {
        open("store.read");
        return tenants.get(checkTenantId("store.read(tenantId)", tenantId));
      });
    },
    update(tenantId, update: (current: TenantState) => TenantChange) {
      return Promise.resolve().then(() => {
        open("store.update");
        checkTenantId("store.update(tenantId)", tenantId);
        checkUpdate(`store.update("${tenantId}", update)`, update);
        const current = tenants.get(tenantId) ?? emptyTenantState(tenantId);
        const next = applyChange(`store.update("${tenantId}")`, current, update(current));
        tenants.set(tenantId, next);
        return next;
      });
    },
    list() {
      return Promise.resolve().then(() => {
        open("store.list");
        return Object.freeze([...tenants.keys()].sort(compareIds));
      });
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}
