/**
 * The tenant store: where each tenant's enabled modules and feature flags live. It is the
 * source of truth that the tenant host and the flag caches read through.
 */

/** A feature flag's value: an on/off switch, a variant name or a number. */
export type FlagValue = boolean | string | number;

/** One tenant as stored: its enabled modules, its flags, and a revision bumped by every update. */
export interface TenantState {
  readonly tenantId: string;
  /** Enabled module ids, sorted, without duplicates. */
  readonly modules: readonly string[];
  readonly flags: Readonly<Record<string, FlagValue>>;
  /** 0 for a tenant never written; each successful `update` adds 1. */
  readonly revision: number;
}

/**
 * What an `update` callback returns: the fields to replace. An absent field is kept as it
 * was; `flags` replaces the whole flag record (spread `current.flags` to patch it).
 */
export interface TenantChange {
  readonly modules?: readonly string[];
  readonly flags?: Readonly<Record<string, FlagValue>>;
}

/**
 * Storage for tenants. Implementations: `createMemoryStore()` (embedded, one process) and
 * `createPostgresStore()` from `@modreg/tenants/postgres` (shared by every instance).
 */
export interface TenantStore {
  /** undefined for a tenant never written. */
  read(tenantId: string): Promise<TenantState | undefined>;
  /**
   * Compare-and-set: applies `update` to the current state (or an empty one) atomically;
   * returns the new state. Concurrent writers never lose a write (retry on conflict inside,
   * or transaction). `update` may run more than once (on a conflict), so it must be pure;
   * when it throws, nothing is written and its error is rethrown as it was.
   */
  update(tenantId: string, update: (current: TenantState) => TenantChange): Promise<TenantState>;
  /** Every tenant ever written, sorted. */
  list(): Promise<readonly string[]>;
  /** Releases connections; the store is unusable afterwards. */
  close?(): Promise<void>;
}

/** The state of a tenant never written: no modules, no flags, revision 0. */
export function emptyTenantState(tenantId: string): TenantState {
  return Object.freeze({ tenantId, modules: Object.freeze([]), flags: Object.freeze({}), revision: 0 });
}
