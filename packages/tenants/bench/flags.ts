/**
 * `pnpm bench:flags`: the flag service's figures, printed as Markdown (never a pass/fail on a
 * time). Starts its own redis-server (test/support/servers.ts). `BENCH_QUICK=1` runs fewer
 * rounds (the CI smoke check). Run with `node --expose-gc` for the heap figure.
 *
 *   1. memory-tier check: `isEnabledCached` and `await isEnabled` on a cached tenant (median ns)
 *   2. Redis-tier check (memory tier off) vs a bare `GET` of the same key on the same connection
 *   3. hit rate under a realistic mix: 10,000 tenants, skewed traffic, updates now and then
 *   4. heap per tenant's flags with 10,000 tenants cached (10 flags each)
 *   5. an update on one instance visible on another: two Node processes over one Postgres
 *      (started too) and this Redis (median and max)
 */
import { createClient } from "redis";
import { startPostgres, startRedis } from "../../../test/support/servers.js";
import { startInstance, stopInstance, wallNow } from "../test/support/flag-instances.js";
import { createFlags, createMemoryStore, type FlagValue, type TenantStore } from "../src/index.js";
import { loadLine, median, tenantFlags } from "./support.js";

const quick = process.env["BENCH_QUICK"] === "1";
const log = (line: string) => console.log(line);

/** Median ns per call of `body` over `rounds` batches of `batch` calls. */
function timeSync(rounds: number, batch: number, body: (i: number) => unknown): number {
  const perCall: number[] = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) if (body(i) === true) sink++;
    perCall.push(Number(process.hrtime.bigint() - start) / batch);
  }
  if (sink < 0) log(String(sink));
  return median(perCall);
}

async function timeAsync(
  rounds: number,
  batch: number,
  body: (i: number) => Promise<unknown>,
): Promise<number> {
  const perCall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) await body(i);
    perCall.push(Number(process.hrtime.bigint() - start) / batch);
  }
  return median(perCall);
}

const fmt = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);

async function main(): Promise<void> {
  log(`# @modreg/tenants flag benchmarks${quick ? " (BENCH_QUICK=1: reduced)" : ""}\n`);
  log(`Node ${process.version}, ${process.platform}/${process.arch}, ${loadLine()}\n`);
  const redis = await startRedis();
  const client = createClient({ url: redis.url });
  client.on("error", () => undefined);
  await client.connect();
  const rows: string[][] = [];
  try {
    // 1. memory tier
    const store = createMemoryStore({ acme: { flags: tenantFlags(0) } });
    const flags = createFlags({ store, memoryTtlMs: 60_000 });
    await flags.isEnabled("acme", "feature-0");
    const cached = timeSync(quick ? 5 : 25, 200_000, () => flags.isEnabledCached("acme", "feature-0"));
    const awaited = await timeAsync(quick ? 5 : 25, 50_000, () => flags.isEnabled("acme", "feature-0"));
    rows.push(["memory tier: `isEnabledCached` (sync)", fmt(cached), "≤ 1 µs"]);
    rows.push(["memory tier: `await isEnabled`", fmt(awaited), "≤ 1 µs"]);
    await flags.close();

    // 2. Redis tier vs a bare GET on the same connection
    const shared = createMemoryStore({ acme: { flags: tenantFlags(0) } });
    const viaRedis = createFlags({
      store: shared,
      redis: client,
      memoryTtlMs: 0,
      channel: "bench",
      redisKeyPrefix: "bench:",
    });
    await viaRedis.ready();
    await viaRedis.isEnabled("acme", "feature-0"); // store -> Redis
    await new Promise((r) => setTimeout(r, 50));
    // Interleaved call by call, in a rotating order, each call timed on its own: a tier lookup
    // is measured next to a bare GET, so the load of a shared machine hits both alike, and the
    // per-call medians leave out the calls the scheduler interrupted.
    const calls = quick ? 2_000 : 20_000;
    const contenders: (() => Promise<unknown>)[] = [
      () => viaRedis.isEnabled("acme", "feature-0"),
      () => client.get("bench:acme"),
      async () => {
        const raw = String(await client.get("bench:acme"));
        return (
          (JSON.parse(raw.slice(raw.indexOf("|") + 1)) as Record<string, FlagValue>)["feature-0"] === true
        );
      },
    ];
    const times: number[][] = contenders.map(() => []);
    for (let i = 0; i < calls; i++) {
      for (let j = 0; j < contenders.length; j++) {
        const c = (i + j) % contenders.length;
        const start = process.hrtime.bigint();
        await contenders[c]?.();
        times[c]?.push(Number(process.hrtime.bigint() - start));
      }
    }
    const [tier, bare, parsed] = times.map(median) as [number, number, number];
    const s = viaRedis.stats();
    if (s.sourceReads !== 1 || s.redis.hits < calls)
      throw new Error("the Redis tier did not serve the reads");
    rows.push(["Redis tier: `await isEnabled` (memory off), per-call median", fmt(tier), ""]);
    rows.push(["bare `GET` of the same key, same connection", fmt(bare), ""]);
    rows.push(["`GET` + `JSON.parse` of the value (what any cache must do)", fmt(parsed), ""]);
    rows.push(["Redis tier / bare GET", `${(tier / bare).toFixed(2)}×`, "≤ 1.2×"]);
    rows.push(["Redis tier / GET + JSON.parse", `${(tier / parsed).toFixed(2)}×`, ""]);
    await viaRedis.close();

    // 3. hit rate under a realistic mix
    const tenants = 10_000;
    const seed: Record<string, { flags: Record<string, FlagValue> }> = {};
    for (let i = 0; i < tenants; i++) seed[`t${i}`] = { flags: tenantFlags(i) };
    const mixStore = createMemoryStore(seed);
    const instances = [0, 1].map(() =>
      createFlags({
        store: mixStore,
        redis: redis.url,
        memoryTtlMs: 10_000,
        channel: "bench-mix",
        redisKeyPrefix: "bench-mix:",
      }),
    );
    await Promise.all(instances.map((f) => f.ready()));
    const lookups = quick ? 20_000 : 200_000;
    let rng = 42;
    const random = () => (rng = (rng * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    // Skewed traffic: a few big tenants get most requests (pareto-like), two instances behind a balancer.
    const pick = () => `t${Math.min(tenants - 1, Math.floor(tenants * random() ** 4))}`;
    const started = Date.now();
    for (let i = 0; i < lookups; i++) {
      const f = instances[i % 2];
      if (f === undefined) continue;
      if (i % 2_000 === 1_999) await f.update(pick(), { "feature-0": random() < 0.5 });
      else await f.isEnabled(pick(), `feature-${i % 8}`);
    }
    const elapsed = Date.now() - started;
    const mix = instances.map((f) => f.stats());
    const sum = (k: (x: (typeof mix)[number]) => number) => mix.reduce((a, x) => a + k(x), 0);
    const memoryHits = sum((x) => x.memory.hits);
    const all = sum((x) => x.memory.hits + x.memory.misses);
    const redisHits = sum((x) => x.redis.hits);
    rows.push([
      `hit rate, ${lookups.toLocaleString("en")} lookups over ${tenants.toLocaleString("en")} tenants (skewed), 2 instances, an update every 2,000`,
      `${(((memoryHits + redisHits) / all) * 100).toFixed(1)} % (memory ${((memoryHits / all) * 100).toFixed(1)} %, Redis ${((redisHits / all) * 100).toFixed(1)} %, store ${((sum((x) => x.sourceReads) / all) * 100).toFixed(1)} %)`,
      `${Math.round((lookups / elapsed) * 1000).toLocaleString("en")} lookups/s`,
    ]);
    await Promise.all(instances.map((f) => f.close()));

    // 4. heap per tenant's flags
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) {
      rows.push(["heap per tenant's flags", "run with node --expose-gc", "≤ 1 KB"]);
    } else {
      // Each read returns a fresh copy, as Postgres does (the memory store would share its own).
      const inner = createMemoryStore(seed);
      const heapStore: TenantStore = {
        read: async (id) => {
          const state = await inner.read(id);
          return (
            state && { ...state, flags: JSON.parse(JSON.stringify(state.flags)) as Record<string, FlagValue> }
          );
        },
        update: (id, fn) => inner.update(id, fn),
        list: () => inner.list(),
      };
      const heapFlags = createFlags({ store: heapStore, memoryTtlMs: 600_000 });
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < tenants; i++) await heapFlags.all(`t${i}`);
      gc();
      const after = process.memoryUsage().heapUsed;
      if (heapFlags.stats().memory.entries !== tenants) throw new Error("not every tenant was cached");
      rows.push([
        `heap per tenant's flags, memory tier (${tenants.toLocaleString("en")} tenants × 10 flags, own copies)`,
        `${((after - before) / tenants).toFixed(0)} B`,
        "≤ 1 KB",
      ]);
      await heapFlags.close();
    }

    // 5. an update on one process visible on another
    const postgres = await startPostgres();
    const settings = {
      postgresUrl: postgres.url,
      table: "bench_instances",
      redisUrl: redis.url,
      channel: "bench-instances",
      memoryTtlMs: 10_000,
      watchFlag: "beta",
    };
    const [a, b] = [startInstance(settings), startInstance(settings)];
    try {
      await Promise.all([a.ready, b.ready]);
      await a.update({ beta: false });
      await b.isEnabled("beta"); // b caches the tenant
      const latencies: number[] = [];
      for (let i = 0; i < (quick ? 11 : 51); i++) {
        const heard = b.nextChange();
        const start = wallNow();
        await a.update({ beta: i % 2 === 0 });
        latencies.push((await heard).at - start);
      }
      rows.push([
        `update on one instance visible on another (two processes, Postgres + Redis; ${latencies.length} updates)`,
        `${median(latencies).toFixed(2)} ms (max ${Math.max(...latencies).toFixed(2)} ms)`,
        "≤ 50 ms",
      ]);
    } finally {
      await Promise.all([stopInstance(a), stopInstance(b)]);
      await postgres.stop();
    }
  } finally {
    await client.close().catch(() => undefined);
    await redis.stop();
  }
  log("| measure | figure | target / note |");
  log("| --- | --- | --- |");
  for (const row of rows) log(`| ${row.join(" | ")} |`);
}

await main();
