/**
 * Two app instances in two Node processes, sharing one real Postgres (the store) and one real
 * redis-server: updates on one reach the other through Redis pub/sub within a measured bound;
 * killing Redis mid-traffic degrades both to memory + store without a failed call; restarting
 * it recovers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startPostgres,
  startRedis,
  type PostgresServer,
  type RedisServer,
} from "../../../test/support/servers.js";
import { type Instance, startInstance, stopInstance, wallNow } from "./support/flag-instances.js";

const MEMORY_TTL_MS = 250;

let pg: PostgresServer;
let redis: RedisServer;
let a: Instance;
let b: Instance;

function start(): Instance {
  return startInstance({
    postgresUrl: pg.url,
    table: "tenants_mp",
    redisUrl: redis.url,
    channel: "mp",
    memoryTtlMs: MEMORY_TTL_MS,
    watchFlag: "beta",
  });
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  a = start();
  b = start();
  await Promise.all([a.ready, b.ready]);
  await a.update({ beta: false });
});

afterAll(async () => {
  for (const instance of [a, b]) await stopInstance(instance);
  await redis?.stop();
  await pg?.stop();
});

describe("flags shared by two processes over one Postgres and one Redis", () => {
  it("makes an update on one instance visible on the other, measured (median)", async () => {
    expect(await b.isEnabled("beta")).toBe(false); // b caches the tenant
    const latencies: number[] = [];
    for (let i = 0; i < 21; i++) {
      const value = i % 2 === 0;
      const heard = b.nextChange();
      const start = wallNow();
      await a.update({ beta: value });
      const change = await heard;
      expect(change.value).toBe(value); // the first read after the message already has it
      latencies.push(change.at - start);
      expect(await b.isEnabled("beta")).toBe(value);
    }
    const m = median(latencies);
    console.log(
      `update on instance A visible on instance B (two processes, Postgres + Redis): median ${m.toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms over ${latencies.length} updates`,
    );
    expect(m).toBeLessThan(50);
  });

  it("keeps answering while redis-server is killed mid-traffic, then recovers when it restarts", async () => {
    const failures: string[] = [];
    let calls = 0;
    let running = true;
    const traffic = (async () => {
      while (running) {
        await Promise.all(
          [a, b].map((i) =>
            i.isEnabled("beta").then(
              () => calls++,
              (e: unknown) => failures.push(String(e)),
            ),
          ),
        );
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await redis.kill();
    await waitFor(async () => !(await b.stats()).redis.available, 5_000);

    // Let b's memory copy expire once, so it is re-read from the store during the outage.
    await new Promise((r) => setTimeout(r, MEMORY_TTL_MS + 50));
    expect((await b.stats()).sourceReads).toBeGreaterThan(0);
    // An update during the outage reaches the store; b sees it once its memory copy expires.
    const before = await b.isEnabled("beta");
    await a.update({ beta: !before });
    const changedAt = Date.now();
    await waitFor(async () => (await b.isEnabled("beta")) !== before, 5_000);
    const staleFor = Date.now() - changedAt;
    console.log(
      `during the Redis outage an update reached the other instance through the store after ${staleFor} ms (memory TTL ${MEMORY_TTL_MS} ms)`,
    );
    expect(staleFor).toBeLessThan(MEMORY_TTL_MS + 1_000);

    await redis.restart();
    await waitFor(async () => (await a.stats()).redis.available && (await b.stats()).redis.available, 15_000);
    // Subscriptions are back: the next update arrives by pub/sub again, well before the memory TTL.
    await waitFor(async () => {
      const heard = b.nextChange();
      await a.update({ beta: before });
      return Promise.race([
        heard.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 150)),
      ]);
    }, 10_000);
    expect(await b.isEnabled("beta")).toBe(before);

    running = false;
    await traffic;
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(20);
    for (const i of [a, b]) {
      expect(i.warnings.filter((w) => w.includes("Redis is unavailable"))).toHaveLength(1);
      expect(i.warnings.filter((w) => w.includes("Redis is back")).length).toBeGreaterThanOrEqual(1);
    }
  });
});
