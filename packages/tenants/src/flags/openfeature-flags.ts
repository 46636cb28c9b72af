/**
 * Flags read from an OpenFeature client (LaunchDarkly, Unleash, flagd, … through their
 * providers), with the tenant id as targeting key. Read only; a memory tier keeps each
 * evaluation for `memoryTtlMs` so request guards stay synchronous-fast.
 */
import { ModuleRegistryError } from "@modreg/core";
import type { FlagValue } from "../store.js";
import { checkFlagName, checkTenantId } from "../validate.js";
import { Listeners } from "./listeners.js";
import { MemoryTier } from "./memory-tier.js";
import type { CheckedOptions } from "./options.js";
import type { Flags, FlagStats, FlagType, OpenFeatureClientLike } from "./types.js";

const SEP = "\u0000";

export function createOpenFeatureFlags(client: OpenFeatureClientLike, o: CheckedOptions): Flags {
  const memory = new MemoryTier<FlagValue>(o.memoryTtlMs, o.memoryMaxEntries);
  const listeners = new Listeners(o.warn);
  const resyncs = new Listeners<[]>(o.warn, "onResync");
  let sourceReads = 0;
  let closed = false;

  const check = (where: string, tenantId: string, flag: string): void => {
    if (closed) throw new ModuleRegistryError("CONTAINER_DISPOSED", `${where}: the flag service is closed`);
    checkTenantId(`${where}(tenantId)`, tenantId);
    checkFlagName(`${where}(flag)`, flag);
  };

  const evaluate = async <T extends FlagValue>(
    tenantId: string,
    flag: string,
    defaultValue: T,
  ): Promise<FlagType<T>> => {
    const key = typeof defaultValue + SEP + tenantId + SEP + flag;
    const cached = memory.get(key);
    if (cached !== undefined) return cached as FlagType<T>;
    sourceReads++;
    const context = { targetingKey: tenantId };
    // OpenFeature clients never throw: an error in the provider resolves to the default.
    const value: FlagValue =
      typeof defaultValue === "boolean"
        ? await client.getBooleanValue(flag, defaultValue, context)
        : typeof defaultValue === "string"
          ? await client.getStringValue(flag, defaultValue, context)
          : await client.getNumberValue(flag, defaultValue, context);
    memory.set(key, value);
    return value as FlagType<T>;
  };

  return {
    async isEnabled(tenantId, flag) {
      check("flags.isEnabled", tenantId, flag);
      return (await evaluate(tenantId, flag, false)) === true;
    },
    isEnabledCached(tenantId, flag) {
      check("flags.isEnabledCached", tenantId, flag);
      const cached = memory.get("boolean" + SEP + tenantId + SEP + flag);
      return cached === undefined ? undefined : cached === true;
    },
    async get(tenantId, flag, defaultValue) {
      check("flags.get", tenantId, flag);
      if (!["boolean", "string", "number"].includes(typeof defaultValue)) {
        throw new ModuleRegistryError(
          "INVALID_ARGUMENT",
          "flags.get(tenantId, flag, defaultValue): defaultValue must be a boolean, a string or a number",
        );
      }
      return evaluate(tenantId, flag, defaultValue);
    },
    all() {
      return Promise.reject(
        new ModuleRegistryError(
          "INVALID_ARGUMENT",
          "flags.all(tenantId): an OpenFeature source evaluates one flag at a time and cannot list a tenant's flags; use flags.get",
        ),
      );
    },
    update(tenantId) {
      return Promise.reject(
        new ModuleRegistryError(
          "FLAGS_READ_ONLY",
          `flags.update("${String(tenantId)}"): the flags come from an OpenFeature client and cannot be written here; change them in that flag system`,
        ),
      );
    },
    invalidate(tenantId) {
      checkTenantId("flags.invalidate(tenantId)", tenantId);
      memory.clear((key) => key.split(SEP)[1] === tenantId);
      listeners.emit(tenantId);
      return Promise.resolve();
    },
    onChange: (listener) => listeners.add(listener),
    onResync: (listener) => resyncs.add(listener),
    ready: () => Promise.resolve(),
    stats(): FlagStats {
      const lookups = memory.hits + memory.misses;
      return {
        memory: { hits: memory.hits, misses: memory.misses, entries: memory.size },
        redis: { hits: 0, misses: 0, errors: 0, available: false },
        sourceReads,
        hitRate: lookups === 0 ? 0 : memory.hits / lookups,
        updates: 0,
        invalidationsReceived: 0,
      };
    },
    close() {
      closed = true;
      listeners.clear();
      resyncs.clear();
      return Promise.resolve();
    },
  };
}
