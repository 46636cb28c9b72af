/**
 * The Redis tier settles every call, whatever happens after Redis answers (real redis-server):
 * a continuation that throws on a hit, a miss, a corrupt cached value, an unusable client, a
 * timed-out command or a close rejects the caller with what it threw, within a bound, instead of
 * leaving it waiting forever. Through `createFlags`, a corrupt cached value is a miss the store
 * answers.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../../../test/support/servers.js";
import { createFlags, createMemoryStore } from "../src/index.js";
import { RedisTier } from "../src/flags/redis-tier.js";

let redis: RedisServer;
let raw: ReturnType<typeof createClient>;
const tiers: RedisTier[] = [];
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
  raw = createClient({ url: redis.url });
  await raw.connect();
});

afterAll(async () => {
  redis?.resume();
  for (const tier of tiers) await tier.close();
  await raw?.close();
  await redis?.stop();
});

/** A tier over a client of its own, with a key prefix of its own. */
async function tier(timeoutMs = 250): Promise<{ tier: RedisTier; prefix: string; warnings: string[] }> {
  const prefix = `tier-test:${++n}:`;
  const warnings: string[] = [];
  const client = createClient({ url: redis.url, disableOfflineQueue: true });
  const made = new RedisTier({
    client,
    owned: true,
    keyPrefix: prefix,
    channel: `tier-test:${n}`,
    ttlSeconds: 60,
    timeoutMs,
    warn: (m) => warnings.push(m),
    onRemoteChange: () => undefined,
    onReconnect: () => undefined,
  });
  tiers.push(made);
  await made.ready();
  return { tier: made, prefix, warnings };
}

const boom = new Error("the continuation threw");
const throwing = (): never => {
  throw boom;
};

/** `promise`'s outcome, or "pending" when it has not settled within `ms`. */
async function within(promise: Promise<unknown>, ms = 1_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise((resolve) => (timer = setTimeout(() => resolve("pending"), ms)));
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ resolved: value }),
        (error: unknown) => ({ rejected: error }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe("RedisTier.get", () => {
  it("rejects with what the continuation threw on a hit", async () => {
    const { tier: t } = await tier();
    await t.put("acme", { flags: { beta: true }, revision: 3 });
    expect(await within(t.get("acme", throwing))).toEqual({ rejected: boom });
    // and the tier keeps working
    expect(await within(t.get("acme", (c) => c?.flags))).toEqual({ resolved: { beta: true } });
  });

  it("rejects with what the continuation threw on a miss and on a corrupt cached value", async () => {
    const { tier: t, prefix } = await tier();
    expect(await within(t.get("nobody", throwing))).toEqual({ rejected: boom });
    for (const corrupt of ["garbage", "x|{}", "1|{not json", "2|[1,2]", '3|{"a":{"b":1}}']) {
      await raw.set(`${prefix}corrupt`, corrupt);
      expect(await within(t.get("corrupt", throwing)), corrupt).toEqual({ rejected: boom });
    }
  });

  it("rejects (never throws synchronously) when the client is not usable", async () => {
    const { tier: t } = await tier();
    await t.close();
    let result: Promise<unknown> | undefined;
    expect(() => (result = t.get("acme", throwing))).not.toThrow();
    expect(await within(result!)).toEqual({ rejected: boom });
  });

  it("rejects after a timed-out command and on close, with nothing thrown from its timer", async () => {
    const { tier: t, warnings } = await tier(100);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    redis.pause();
    try {
      const started = performance.now();
      expect(await within(t.get("acme", throwing))).toEqual({ rejected: boom });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(warnings.join("\n")).toContain("Redis is unavailable");
      const waiting = within(t.get("acme", throwing));
      await t.close();
      expect(await waiting).toEqual({ rejected: boom });
    } finally {
      redis.resume();
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
  });
});

describe("createFlags over a corrupt Redis value", () => {
  it("answers from the store, and keeps answering, whatever the cached value holds", async () => {
    const store = createMemoryStore({ acme: { flags: { beta: true } } });
    const prefix = `flags-corrupt:${++n}:`;
    const flags = createFlags({ store, redis: redis.url, redisKeyPrefix: prefix, memoryTtlMs: 0 });
    try {
      await flags.ready();
      for (const corrupt of ["garbage", "x|{}", "1|{not json", "2|[1,2]", '3|{"beta":{"b":1}}', "4|null"]) {
        await raw.set(`${prefix}acme`, corrupt);
        expect(await within(flags.isEnabled("acme", "beta")), corrupt).toEqual({ resolved: true });
      }
    } finally {
      await flags.close();
    }
  });
});
