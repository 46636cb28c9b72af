/** The public shape of the flag service and what it is built from. */
import type { FlagValue, TenantStore } from "../store.js";

/**
 * The node-redis (`redis` ≥ 4) client methods the Redis tier uses. A `createClient()` result
 * fits; the tier never imports `redis` itself.
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  duplicate(): RedisClientLike;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close?(): Promise<unknown>;
  destroy?(): unknown;
  quit?(): Promise<unknown>;
}

/** The OpenFeature client methods a flag source needs (`OpenFeature.getClient()` fits). */
export interface OpenFeatureClientLike {
  getBooleanValue(
    flagKey: string,
    defaultValue: boolean,
    context?: { targetingKey?: string },
  ): Promise<boolean>;
  getStringValue(flagKey: string, defaultValue: string, context?: { targetingKey?: string }): Promise<string>;
  getNumberValue(flagKey: string, defaultValue: number, context?: { targetingKey?: string }): Promise<number>;
}

/** Options of `createFlags`. Give `store` (read and write) or `source` (an OpenFeature client, read only). */
export interface FlagsOptions {
  /** The source of truth: flags are read from and written to it. */
  readonly store?: TenantStore;
  /** Read flags from any OpenFeature client instead (tenant id = targeting key); `update` is refused. */
  readonly source?: OpenFeatureClientLike;
  /**
   * The shared tier: a node-redis client (connected here if it is not yet; you keep owning it)
   * or a `redis://` URL (the service creates, owns and closes the client; needs the `redis`
   * package). Without it flags are cached in memory only and updates reach only this instance.
   */
  readonly redis?: RedisClientLike | string;
  /** How long this instance trusts a cached tenant, in ms (default 10 000); 0 turns the memory tier off. */
  readonly memoryTtlMs?: number;
  /** Most tenants kept in memory (default 100 000); the oldest entry makes room. */
  readonly memoryMaxEntries?: number;
  /** TTL of a tenant's flags in Redis, in seconds (default 300). */
  readonly redisTtlSeconds?: number;
  /** A Redis command slower than this (ms, default 250) counts as an outage: served from memory + store. */
  readonly redisTimeoutMs?: number;
  /** Redis key prefix (default `"modreg:flags:"`); the key is prefix + tenant id. */
  readonly redisKeyPrefix?: string;
  /** Pub/sub channel every instance listens on for invalidations (default `"modreg:flags"`). */
  readonly channel?: string;
  /** Where outage warnings go (once per outage, and once when it is over); default `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
}

/** `update(tenantId, patch)`: a value sets a flag, `null` removes it. */
export type FlagPatch = Readonly<Record<string, FlagValue | null>>;

/** What `get` returns for a default of type `T`: the same primitive type. */
export type FlagType<T extends FlagValue> = T extends boolean ? boolean : T extends string ? string : number;

/** Hits and misses of one cache tier. */
export interface TierStats {
  readonly hits: number;
  readonly misses: number;
}

/** `flags.stats()`. */
export interface FlagStats {
  /** Lookups answered from this instance's memory. */
  readonly memory: TierStats & { readonly entries: number };
  /** Lookups that missed memory and went to Redis; `errors` counts failed or timed-out commands. */
  readonly redis: TierStats & { readonly errors: number; readonly available: boolean };
  /** Reads from the store (or OpenFeature client) that no tier could answer. */
  readonly sourceReads: number;
  /** Share of lookups answered by memory or Redis, 0..1 (0 before any lookup). */
  readonly hitRate: number;
  readonly updates: number;
  /** Invalidations received from other instances over pub/sub. */
  readonly invalidationsReceived: number;
}

/** The feature-flag service. */
export interface Flags {
  /** `true` exactly when the tenant's flag is the boolean `true`; an unknown tenant or flag is `false`. */
  isEnabled(tenantId: string, flag: string): Promise<boolean>;
  /**
   * The memory tier alone, synchronously: `true`/`false` when the tenant's flags are cached on
   * this instance, `undefined` when they are not (then call `isEnabled`). The hot path of a
   * request guard.
   */
  isEnabledCached(tenantId: string, flag: string): boolean | undefined;
  /** The flag's value, or `defaultValue` when it is missing or of another type. */
  get<T extends FlagValue>(tenantId: string, flag: string, defaultValue: T): Promise<FlagType<T>>;
  /** Every flag of the tenant (`{}` for an unknown tenant). Store source only. */
  all(tenantId: string): Promise<Readonly<Record<string, FlagValue>>>;
  /**
   * Writes the store first, then refreshes Redis and tells every instance (pub/sub) to drop
   * its cached copy. Resolves to the tenant's flags after the patch. A tenant never written is
   * `TENANT_NOT_FOUND` unless `{ create: true }`.
   */
  update(
    tenantId: string,
    patch: FlagPatch,
    options?: { readonly create?: boolean },
  ): Promise<Readonly<Record<string, FlagValue>>>;
  /** Drops the tenant's cached flags everywhere, after the store was written some other way. */
  invalidate(tenantId: string): Promise<void>;
  /** Called with the tenant id whenever its flags change, on this instance or another. Returns an unsubscribe function. */
  onChange(listener: (tenantId: string) => void): () => void;
  /**
   * Called when this instance may have missed other instances' changes: Redis is back after an
   * outage (pub/sub messages sent meanwhile are lost; the memory tier is already cleared). Re-read
   * what you keep per tenant — the tenant host refreshes its loaded tenants. Returns an
   * unsubscribe function.
   */
  onResync(listener: () => void): () => void;
  /** Resolves once the Redis tier (when configured) is connected and subscribed. */
  ready(): Promise<void>;
  stats(): FlagStats;
  /** Unsubscribes, and closes the Redis connections the service opened. */
  close(): Promise<void>;
}
