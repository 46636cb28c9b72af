/**
 * Two app instances in two Node processes, sharing one real Postgres (the store) and one real
 * redis-server: updates on one reach the other through Redis pub/sub within a measured bound;
 * killing Redis mid-traffic degrades both to memory + store without a failed call; restarting
 * it recovers.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startPostgres,
  startRedis,
  type PostgresServer,
  type RedisServer,
} from "../../../test/support/servers.js";
import type { FlagStats } from "../src/index.js";

const script = fileURLToPath(new URL("./support/flag-instance.ts", import.meta.url));
const MEMORY_TTL_MS = 250;

interface Change {
  readonly tenantId: string;
  readonly at: number;
  readonly value: boolean;
}

class Instance {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly changes: Change[] = [];
  readonly warnings: string[] = [];
  private readonly changeWaiters: ((c: Change) => void)[] = [];
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    let markReady: () => void = () => undefined;
    this.ready = new Promise((r) => (markReady = r));
    child.on("message", (m: Record<string, unknown>) => {
      if (m["event"] === "ready") markReady();
      else if (m["event"] === "warning") this.warnings.push(String(m["message"]));
      else if (m["event"] === "change") {
        const change = m as unknown as Change;
        this.changes.push(change);
        for (const waiter of this.changeWaiters.splice(0)) waiter(change);
      } else {
        const waiter = this.pending.get(m["id"] as number);
        this.pending.delete(m["id"] as number);
        if (m["ok"] === true) waiter?.resolve(m["value"]);
        else waiter?.reject(new Error(`${String(m["code"])}: ${String(m["message"])}`));
      }
    });
  }

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, ...args });
    });
  }

  isEnabled(flag: string): Promise<boolean> {
    return this.call("isEnabled", { tenantId: "acme", flag });
  }

  update(patch: Record<string, boolean>): Promise<unknown> {
    return this.call("update", { tenantId: "acme", patch });
  }

  stats(): Promise<FlagStats> {
    return this.call("stats");
  }

  nextChange(): Promise<Change> {
    return new Promise((r) => this.changeWaiters.push(r));
  }
}

let pg: PostgresServer;
let redis: RedisServer;
let a: Instance;
let b: Instance;

function start(): Instance {
  const child = fork(script, [], {
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      PG_URL: pg.url,
      PG_TABLE: "tenants_mp",
      REDIS_URL: redis.url,
      CHANNEL: "mp",
      MEMORY_TTL_MS: String(MEMORY_TTL_MS),
      WATCH_FLAG: "beta",
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Instance(child);
}

const wallNow = (): number => performance.timeOrigin + performance.now();
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
  for (const instance of [a, b]) {
    if (instance === undefined) continue;
    const exited = new Promise((r) => instance.child.once("exit", r));
    await instance.call("close").catch(() => instance.child.kill());
    await exited;
  }
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
