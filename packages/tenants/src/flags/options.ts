/** `createFlags` options, checked: every wrong type or unknown key is INVALID_ARGUMENT naming it. */
import { ModuleRegistryError } from "@modreg/core";
import type { TenantStore } from "../store.js";
import type { FlagsOptions, OpenFeatureClientLike, RedisClientLike } from "./types.js";

export interface CheckedOptions {
  readonly store: TenantStore | undefined;
  readonly source: OpenFeatureClientLike | undefined;
  readonly redis: RedisClientLike | string | undefined;
  readonly memoryTtlMs: number;
  readonly memoryMaxEntries: number;
  readonly redisTtlSeconds: number;
  readonly redisTimeoutMs: number;
  readonly redisKeyPrefix: string;
  readonly channel: string;
  readonly warn: (message: string) => void;
}

const KEYS = [
  "store",
  "source",
  "redis",
  "memoryTtlMs",
  "memoryMaxEntries",
  "redisTtlSeconds",
  "redisTimeoutMs",
  "redisKeyPrefix",
  "channel",
  "onWarning",
];

function bad(option: string, expected: string): ModuleRegistryError {
  return new ModuleRegistryError("INVALID_ARGUMENT", `createFlags(options.${option}): expected ${expected}`);
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    names.every((n) => typeof (value as Record<string, unknown>)[n] === "function")
  );
}

function number(o: Record<string, unknown>, key: string, fallback: number, min: number): number {
  const value = o[key] ?? fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw bad(key, `a finite number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function text(o: Record<string, unknown>, key: string, fallback: string): string {
  const value = o[key] ?? fallback;
  if (typeof value !== "string" || value.length === 0) throw bad(key, "a non-empty string");
  return value;
}

const defaultWarn = (message: string): void => process.emitWarning(message, { code: "MODREG_WARNING" });

export function checkFlagsOptions(options: FlagsOptions): CheckedOptions {
  if (typeof options !== "object" || options === null) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      "createFlags(options): expected { store } or { source }",
    );
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        `createFlags(options): unknown option "${key}" (expected ${KEYS.join(", ")})`,
      );
    }
  }
  const { store, source, redis, onWarning } = o;
  if ((store === undefined) === (source === undefined)) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      "createFlags(options): give exactly one of store (a TenantStore) and source (an OpenFeature client)",
    );
  }
  if (store !== undefined && !hasMethods(store, ["read", "update"])) throw bad("store", "a TenantStore");
  if (source !== undefined && !hasMethods(source, ["getBooleanValue", "getStringValue", "getNumberValue"])) {
    throw bad("source", "an OpenFeature client (getBooleanValue, getStringValue, getNumberValue)");
  }
  if (redis !== undefined) {
    if (source !== undefined) {
      throw bad("redis", "no Redis tier with an OpenFeature source: its provider does its own caching");
    }
    const url = typeof redis === "string" && /^rediss?:\/\//.test(redis);
    if (!url && !hasMethods(redis, ["get", "eval", "publish", "subscribe", "duplicate", "on"])) {
      throw bad("redis", "a node-redis client or a redis:// URL");
    }
  }
  if (onWarning !== undefined && typeof onWarning !== "function") throw bad("onWarning", "a function");
  return {
    store: store as TenantStore | undefined,
    source: source as OpenFeatureClientLike | undefined,
    redis: redis as RedisClientLike | string | undefined,
    memoryTtlMs: number(o, "memoryTtlMs", 10_000, 0),
    memoryMaxEntries: number(o, "memoryMaxEntries", 100_000, 1),
    redisTtlSeconds: Math.ceil(number(o, "redisTtlSeconds", 300, 1)),
    redisTimeoutMs: number(o, "redisTimeoutMs", 250, 1),
    redisKeyPrefix: text(o, "redisKeyPrefix", "modreg:flags:"),
    channel: text(o, "channel", "modreg:flags"),
    warn: (onWarning as ((message: string) => void) | undefined) ?? defaultWarn,
  };
}
