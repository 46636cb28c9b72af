import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../../../test/support/servers.js";
import {
  createFlags,
  createMemoryStore,
  type Flags,
  type RedisClientLike,
  type TenantStore,
} from "../src/index.js";

let redis: RedisServer;
const open: Flags[] = [];
let channels = 0;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const f of open) await f.close();
  await redis?.stop();
});

/** Two "instances" sharing one store and one Redis, on a channel and key prefix of their own. */
async function instances(
  store: TenantStore,
  extra: { memoryTtlMs?: number; warnings?: string[] } = {},
): Promise<[Flags, Flags, Flags]> {
  const n = ++channels;
  const make = () => {
    const f = createFlags({
      store,
      redis: redis.url,
      channel: `test:${n}`,
      redisKeyPrefix: `test:${n}:`,
      ...(extra.memoryTtlMs === undefined ? {} : { memoryTtlMs: extra.memoryTtlMs }),
      onWarning: (m) => extra.warnings?.push(m),
    });
    open.push(f);
    return f;
  };
  const all: [Flags, Flags, Flags] = [make(), make(), make()];
  await Promise.all(all.map((f) => f.ready()));
  return all;
}

function changeOn(flags: Flags, tenantId: string): Promise<number> {
  return new Promise((resolve) => {
    const off = flags.onChange((t) => {
      if (t !== tenantId) return;
      off();
      resolve(performance.now());
    });
  });
}

describe("createFlags with a Redis tier (real redis-server)", () => {
  it("accepts a node-redis client it does not own, and leaves it open on close", async () => {
    const client = createClient({ url: redis.url });
    client.on("error", () => undefined);
    await client.connect();
    const typed: RedisClientLike = client;
    const flags = createFlags({ store: createMemoryStore({ t: { flags: { a: true } } }), redis: typed });
    await flags.ready();
    expect(await flags.isEnabled("t", "a")).toBe(true);
    await flags.close();
    expect(client.isReady).toBe(true);
    await client.close();
  });

  it("serves a tenant from Redis on an instance whose memory does not have it", async () => {
    const store = createMemoryStore({ acme: { flags: { beta: true } } });
    const [a, b] = await instances(store);
    expect(await a.isEnabled("acme", "beta")).toBe(true); // store -> Redis + memory
    await new Promise((r) => setTimeout(r, 20)); // the Redis write is not awaited by the read
    expect(await b.isEnabled("acme", "beta")).toBe(true);
    expect(a.stats()).toMatchObject({ sourceReads: 1, redis: { hits: 0, misses: 1, available: true } });
    expect(b.stats()).toMatchObject({ sourceReads: 0, redis: { hits: 1, misses: 0 }, hitRate: 1 });
  });

  it("coalesces concurrent lookups of one tenant into one Redis GET, and a malformed value into one store read", async () => {
    const store = createMemoryStore({ acme: { flags: { beta: true, plan: "pro" } } });
    const [a, b] = await instances(store, { memoryTtlMs: 0 });
    await a.isEnabled("acme", "beta"); // store -> Redis
    await new Promise((r) => setTimeout(r, 20));
    const probe = createClient({ url: redis.url });
    await probe.connect();
    const gets = async () => {
      const info = await probe.sendCommand<string>(["INFO", "commandstats"]);
      return Number(/cmdstat_get:calls=(\d+)/.exec(info)?.[1] ?? 0);
    };
    try {
      const before = await gets();
      const answers = await Promise.all([
        b.isEnabled("acme", "beta"),
        b.get("acme", "plan", "free"),
        b.all("acme"),
        b.isEnabled("acme", "missing"),
      ]);
      expect(answers).toEqual([true, "pro", { beta: true, plan: "pro" }, false]);
      expect((await gets()) - before).toBe(1);
      expect(b.stats()).toMatchObject({ sourceReads: 0, redis: { hits: 1, misses: 0 } });

      // A value no instance could have written is a miss: the store answers, once.
      const key = `test:${channels}:acme`;
      await probe.set(key, "7|not json");
      const again = await Promise.all([b.isEnabled("acme", "beta"), b.get("acme", "plan", "free")]);
      expect(again).toEqual([true, "pro"]);
      expect(b.stats()).toMatchObject({ sourceReads: 1, redis: { hits: 1, misses: 1 } });
    } finally {
      await probe.close();
    }
  });

  it("tells every instance about an update through pub/sub, so none serves the old value", async () => {
    const store = createMemoryStore({ acme: { flags: { beta: false } } });
    const [a, b, c] = await instances(store);
    for (const f of [a, b, c]) expect(await f.isEnabled("acme", "beta")).toBe(false);
    const latencies: number[] = [];
    for (let i = 0; i < 15; i++) {
      const heardB = changeOn(b, "acme");
      const heardC = changeOn(c, "acme");
      const start = performance.now();
      await a.update("acme", { beta: i % 2 === 0 });
      latencies.push(Math.max(await heardB, await heardC) - start);
      for (const f of [a, b, c]) expect(await f.isEnabled("acme", "beta")).toBe(i % 2 === 0);
    }
    latencies.sort((x, y) => x - y);
    const median = latencies[Math.floor(latencies.length / 2)] ?? NaN;
    console.log(
      `update visible on the other instances: median ${median.toFixed(2)} ms (15 updates, in-process)`,
    );
    expect(b.stats().invalidationsReceived).toBe(15);
    expect(a.stats().invalidationsReceived).toBe(0); // its own messages are skipped
  });

  it("never lets a slow reader put back flags older than an update (revision-guarded Redis writes)", async () => {
    let release: () => void = () => undefined;
    const inner = createMemoryStore({ acme: { flags: { v: 1 } } });
    const slow: TenantStore = {
      read: async (id) => {
        const state = await inner.read(id);
        await new Promise<void>((r) => (release = r));
        return state;
      },
      update: (id, fn) => inner.update(id, fn),
      list: () => inner.list(),
    };
    const [a, b, c] = await instances(slow);
    const stale = a.get("acme", "v", 0); // reads revision 1, then waits
    await new Promise((r) => setTimeout(r, 10));
    await b.update("acme", { v: 2 }); // revision 2 written to Redis
    release();
    expect(await stale).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await c.get("acme", "v", 0)).toBe(2); // from Redis: still revision 2
    expect(c.stats().redis.hits).toBe(1);
  });

  it("degrades to memory + store while Redis is down (one warning, no failed call) and recovers when it is back", async () => {
    const warnings: string[] = [];
    const store = createMemoryStore({ acme: { flags: { beta: false } } });
    const [a, b] = await instances(store, { memoryTtlMs: 100, warnings });
    expect(await b.isEnabled("acme", "beta")).toBe(false);
    let resyncs = 0;
    b.onResync(() => resyncs++);

    await redis.kill();
    const during: boolean[] = [];
    for (let i = 0; i < 20; i++) during.push(await b.isEnabled("acme", "beta"));
    expect(during.every((v) => v === false)).toBe(true);
    await a.update("acme", { beta: true }); // written to the store; Redis cannot be told
    expect(await a.isEnabled("acme", "beta")).toBe(true);
    await new Promise((r) => setTimeout(r, 120)); // b's memory copy expires
    expect(await b.isEnabled("acme", "beta")).toBe(true); // from the store
    expect(b.stats().redis.available).toBe(false);
    expect(warnings.filter((w) => w.includes("unavailable")).length).toBe(3); // once per instance (3)
    expect(b.stats().redis.errors).toBeGreaterThan(0);

    await redis.restart();
    await waitFor(() => a.stats().redis.available && b.stats().redis.available, 10_000);
    expect(warnings.filter((w) => w.includes("is back")).length).toBeGreaterThanOrEqual(2);
    expect(resyncs).toBe(1); // b may have missed messages: whoever keeps tenant state re-reads it
    // pub/sub works again
    const heard = changeOn(b, "acme");
    await waitFor(async () => {
      await a.update("acme", { beta: false });
      return Promise.race([
        heard.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 200)),
      ]);
    }, 10_000);
    expect(await b.isEnabled("acme", "beta")).toBe(false);
    expect(warnings.filter((w) => w.includes("unavailable")).length).toBe(3); // still one per outage
  });

  it("treats a Redis that stops answering as an outage after redisTimeoutMs, without a failed call", async () => {
    const warnings: string[] = [];
    const store = createMemoryStore({ acme: { flags: { beta: true } } });
    const flags = createFlags({
      store,
      redis: redis.url,
      memoryTtlMs: 0,
      redisTimeoutMs: 100,
      channel: `test:${++channels}`,
      onWarning: (m) => warnings.push(m),
    });
    open.push(flags);
    await flags.ready();
    expect(await flags.isEnabled("acme", "beta")).toBe(true);
    redis.pause();
    try {
      const start = performance.now();
      expect(await flags.isEnabled("acme", "beta")).toBe(true); // from the store, after the timeout
      const waited = performance.now() - start;
      expect(waited).toBeGreaterThanOrEqual(95);
      expect(waited).toBeLessThan(1_000);
      expect(warnings).toEqual([expect.stringContaining("no answer within 100 ms")]);
    } finally {
      redis.resume();
    }
    await waitFor(async () => {
      await flags.isEnabled("acme", "beta");
      return warnings.some((w) => w.includes("is back"));
    }, 5_000);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
