/**
 * Flags over a `TenantStore`: memory tier (per instance) → Redis tier (shared) → store (the
 * source of truth). Updates write the store first, then refresh Redis and announce the change
 * on pub/sub so every instance drops its memory copy.
 */
import { ModuleRegistryError } from "@modreg/core";
import type { FlagValue, TenantState, TenantStore } from "../store.js";
import { checkFlagName, checkTenantId } from "../validate.js";
import { importPeer } from "../peers.js";
import { Listeners } from "./listeners.js";
import { MemoryTier } from "./memory-tier.js";
import type { CheckedOptions } from "./options.js";
import { applyPatch, checkPatch } from "./patch.js";
import { RedisTier, type CachedFlags } from "./redis-tier.js";
import type { FlagPatch, Flags, FlagStats, FlagType, RedisClientLike } from "./types.js";

const NO_FLAGS: CachedFlags = Object.freeze({ flags: Object.freeze({}), revision: 0 });

/** A store's own coded errors pass through; anything else it throws becomes STORE_FAILED. */
async function fromStore<T>(where: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (ModuleRegistryError.is(error)) throw error;
    throw new ModuleRegistryError("STORE_FAILED", `${where}: the tenant store failed: ${String(error)}`, {
      cause: error,
    });
  }
}

async function redisClient(
  redis: RedisClientLike | string,
): Promise<{ client: RedisClientLike; owned: boolean }> {
  if (typeof redis !== "string") return { client: redis, owned: false };
  const { createClient } = await importPeer("redis", "createFlags({ redis: url })", () => import("redis"));
  const client = createClient({
    url: redis,
    // Fail fast while disconnected instead of queueing: a request must not wait for Redis.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1_000),
    },
  });
  return { client: client as unknown as RedisClientLike, owned: true };
}

export function createStoreFlags(store: TenantStore, o: CheckedOptions): Flags {
  const memory = new MemoryTier<CachedFlags>(o.memoryTtlMs, o.memoryMaxEntries);
  const listeners = new Listeners(o.warn);
  const resyncs = new Listeners<[]>(o.warn, "onResync");
  const inflight = new Map<string, Promise<CachedFlags>>();
  // Bumped by every invalidation: a load that started before one must not cache what it read.
  let epoch = 0;
  let sourceReads = 0;
  let updates = 0;
  let closed = false;

  const forget = (tenantId: string): void => {
    epoch++;
    memory.delete(tenantId);
    inflight.delete(tenantId);
  };

  let tier: RedisTier | undefined;
  const tierReady: Promise<RedisTier | undefined> =
    o.redis === undefined
      ? Promise.resolve(undefined)
      : redisClient(o.redis).then(({ client, owned }) => {
          tier = new RedisTier({
            client,
            owned,
            keyPrefix: o.redisKeyPrefix,
            channel: o.channel,
            ttlSeconds: o.redisTtlSeconds,
            timeoutMs: o.redisTimeoutMs,
            warn: o.warn,
            onRemoteChange: (tenantId) => {
              forget(tenantId);
              listeners.emit(tenantId);
            },
            onReconnect: () => {
              epoch++;
              memory.clear();
              inflight.clear();
              resyncs.emit();
            },
          });
          return tier;
        });
  tierReady.catch((error: unknown) => o.warn(`modreg flags: cannot set up the Redis tier: ${String(error)}`));

  const open = (where: string): void => {
    if (closed) throw new ModuleRegistryError("CONTAINER_DISPOSED", `${where}: the flag service is closed`);
  };

  /**
   * A load that started at `started` is still the tenant's current one exactly when no
   * invalidation came since (an invalidation bumps `epoch` and drops the in-flight entry): only
   * then is what it read cached and its entry removed.
   */
  const settle = (tenantId: string, started: number, cached: CachedFlags): CachedFlags => {
    if (epoch === started) {
      memory.set(tenantId, cached);
      inflight.delete(tenantId);
    }
    return cached;
  };

  /** Reads the store (no tier had the tenant) and caches what it read in Redis and memory. */
  const readThrough = async (tenantId: string, started: number): Promise<CachedFlags> => {
    try {
      sourceReads++;
      const state = await fromStore(`flags: reading tenant "${tenantId}"`, () => store.read(tenantId));
      const cached = state === undefined ? NO_FLAGS : { flags: state.flags, revision: state.revision };
      if (tier !== undefined && epoch === started) void tier.put(tenantId, cached);
      return settle(tenantId, started, cached);
    } catch (error) {
      if (epoch === started) inflight.delete(tenantId);
      throw error;
    }
  };

  /**
   * Past the memory tier: Redis, then the store; coalesces concurrent loads of one tenant. A
   * Redis hit is settled in the tier's reply callback (one promise hop over the client's reply,
   * and one closure per load).
   */
  const load = (tenantId: string): Promise<CachedFlags> => {
    const running = inflight.get(tenantId);
    if (running !== undefined) return running;
    const started = epoch;
    const loading =
      tier === undefined
        ? readThrough(tenantId, started)
        : tier.get(tenantId, (hit) => {
            try {
              return hit === undefined ? readThrough(tenantId, started) : settle(tenantId, started, hit);
            } catch (error) {
              // the load rejects (the tier settles every call): the next one starts afresh
              if (epoch === started) inflight.delete(tenantId);
              throw error;
            }
          });
    inflight.set(tenantId, loading);
    return loading;
  };

  const flagsOf = (
    where: string,
    tenantIdWhere: string,
    tenantId: string,
  ): CachedFlags | Promise<CachedFlags> => {
    open(where);
    checkTenantId(tenantIdWhere, tenantId);
    return memory.get(tenantId) ?? load(tenantId);
  };

  return {
    // Not async: a memory hit resolves without an extra await (the hot path of a request guard).
    isEnabled(tenantId, flag) {
      try {
        checkFlagName("flags.isEnabled(flag)", flag);
        const cached = flagsOf("flags.isEnabled", "flags.isEnabled(tenantId)", tenantId);
        return cached instanceof Promise
          ? cached.then((c) => c.flags[flag] === true)
          : Promise.resolve(cached.flags[flag] === true);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },

    isEnabledCached(tenantId, flag) {
      open("flags.isEnabledCached");
      checkTenantId("flags.isEnabledCached(tenantId)", tenantId);
      checkFlagName("flags.isEnabledCached(flag)", flag);
      const cached = memory.get(tenantId);
      return cached === undefined ? undefined : cached.flags[flag] === true;
    },

    async get<T extends FlagValue>(tenantId: string, flag: string, defaultValue: T): Promise<FlagType<T>> {
      checkFlagName("flags.get(flag)", flag);
      if (!["boolean", "string", "number"].includes(typeof defaultValue)) {
        throw new ModuleRegistryError(
          "INVALID_ARGUMENT",
          "flags.get(tenantId, flag, defaultValue): defaultValue must be a boolean, a string or a number",
        );
      }
      const { flags } = await flagsOf("flags.get", "flags.get(tenantId)", tenantId);
      const value = Object.hasOwn(flags, flag) ? flags[flag] : undefined;
      return (typeof value === typeof defaultValue ? value : defaultValue) as FlagType<T>;
    },

    async all(tenantId) {
      return (await flagsOf("flags.all", "flags.all(tenantId)", tenantId)).flags;
    },

    async update(tenantId: string, patch: FlagPatch, options?: { readonly create?: boolean }) {
      open("flags.update");
      checkTenantId("flags.update(tenantId)", tenantId);
      const checked = checkPatch(`flags.update("${tenantId}", patch)`, patch);
      const create = options?.create === true;
      const state: TenantState = await fromStore(`flags.update("${tenantId}")`, () =>
        store.update(tenantId, (current) => {
          if (current.revision === 0 && !create) {
            throw new ModuleRegistryError(
              "TENANT_NOT_FOUND",
              `flags.update("${tenantId}"): no tenant "${tenantId}" in the store; pass { create: true } to create it`,
            );
          }
          return { flags: applyPatch(current.flags, checked) };
        }),
      );
      updates++;
      const cached = { flags: state.flags, revision: state.revision };
      forget(tenantId);
      memory.set(tenantId, cached);
      await (await tierReady.catch(() => undefined))?.changed(tenantId, cached);
      listeners.emit(tenantId);
      return state.flags;
    },

    async invalidate(tenantId) {
      open("flags.invalidate");
      checkTenantId("flags.invalidate(tenantId)", tenantId);
      forget(tenantId);
      await (await tierReady.catch(() => undefined))?.changed(tenantId, undefined);
      listeners.emit(tenantId);
    },

    onChange: (listener) => listeners.add(listener),
    onResync: (listener) => resyncs.add(listener),

    async ready() {
      await (await tierReady)?.ready();
    },

    stats(): FlagStats {
      const memoryLookups = memory.hits + memory.misses;
      return {
        memory: { hits: memory.hits, misses: memory.misses, entries: memory.size },
        redis: {
          hits: tier?.hits ?? 0,
          misses: tier?.misses ?? 0,
          errors: tier?.errors ?? 0,
          available: tier?.available ?? false,
        },
        sourceReads,
        hitRate: memoryLookups === 0 ? 0 : (memory.hits + (tier?.hits ?? 0)) / memoryLookups,
        updates,
        invalidationsReceived: tier?.received ?? 0,
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      resyncs.clear();
      await (await tierReady.catch(() => undefined))?.close();
    },
  };
}
