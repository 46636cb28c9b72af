/**
 * `pnpm bench:tenants`: the tenant host's figures, printed as Markdown (never a pass/fail on a
 * time). Memory store, no server. `BENCH_QUICK=1` runs fewer rounds. Run with
 * `node --expose-gc` for the heap figures.
 *
 *   1. loading a tenant with 20 modules, beyond the modules' own hooks (median)
 *   2. enabling one module at run time, beyond its hooks (median)
 *   3. 10,000 tenants loaded with 10 modules each: heap per loaded module, per tenant's flags
 */
import {
  type ClassRecord,
  type DependencyRecord,
  type Manifest,
  type ModuleRecord,
  TENANT_CONTEXT_KEY,
  type TenantContext,
  createContainer,
} from "@modreg/core";
import { createFlags, createMemoryStore, createTenantHost, type FlagValue } from "../src/index.js";
import { loadLine, median, tenantFlags } from "./support.js";

const quick = process.env["BENCH_QUICK"] === "1";
const log = (line: string) => console.log(line);
const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use once garbage (including what finalizers and pending callbacks held) is collected. */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

/** Time spent inside the modules' own hooks (constructor bodies and `onInit`), in ns. */
let hookNs = 0;

class Database {
  readonly url = "memory://";
}

/** A tenant module as users write them: the tenant, the shared database, a couple of peers. */
class TenantModule {
  readonly items: string[] = [];
  constructor(
    readonly tenant: TenantContext,
    readonly db: Database,
    readonly peers: readonly unknown[],
  ) {}
  onInit(): void {
    const start = process.hrtime.bigint();
    this.items.push(this.tenant.tenantId);
    hookNs += Number(process.hrtime.bigint() - start);
  }
}

/** One class per module, as in an app (a class is one module). */
const classes = Array.from({ length: 20 }, () => class extends TenantModule {});

const id = (i: number) => `m${String(i).padStart(2, "0")}`;

/** Tenant module `i` requires the one before it and, every third module, the one three before. */
function peersOf(i: number): number[] {
  return [i - 1, i % 3 === 0 ? i - 3 : -1].filter((p) => p >= 0);
}

function moduleRecord(i: number): ModuleRecord {
  const peers = peersOf(i);
  const Class = classes[i] ?? TenantModule;
  const deps: DependencyRecord[] = [
    { iface: TENANT_CONTEXT_KEY },
    { id: "database" },
    ...peers.map((p) => ({ id: id(p), range: "^1.0.0" })),
  ];
  const record: ClassRecord = {
    id: id(i),
    version: "1.0.0",
    class: Class,
    tenant: true,
    deps,
    create: (r) =>
      new Class(
        r(0) as TenantContext,
        r(1) as Database,
        peers.map((_, k) => r(2 + k)),
      ),
  };
  return record;
}

/** As `modreg generate` writes it: `validated` (it checked the version ranges between its modules). */
function appManifest(modules: number): Manifest {
  return {
    formatVersion: 1,
    validated: true,
    modules: [
      { id: "database", class: Database, create: () => new Database() },
      ...Array.from({ length: modules }, (_, i) => moduleRecord(i)),
    ],
  };
}

const modulesUpTo = (n: number) => Array.from({ length: n }, (_, i) => id(i));
const fmt = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
const bytes = (b: number) => (b >= 1024 ? `${(b / 1024).toFixed(2)} KB` : `${b.toFixed(0)} B`);

/** Median time beyond hooks of `action(i)` over `count` tenants, after `warm` unmeasured ones. */
async function beyondHooks(count: number, warm: number, action: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  const hooks: number[] = [];
  for (let i = 0; i < warm + count; i++) {
    const hooksBefore = hookNs;
    const start = process.hrtime.bigint();
    await action(i);
    const total = Number(process.hrtime.bigint() - start);
    if (i < warm) continue;
    hooks.push(hookNs - hooksBefore);
    times.push(total - (hookNs - hooksBefore));
  }
  return { beyond: median(times), hooks: median(hooks) };
}

async function loadAndEnable(rows: string[][]): Promise<void> {
  const count = quick ? 100 : 500;
  const warm = quick ? 50 : 200;
  const seed: Record<string, { modules: string[]; flags: Record<string, FlagValue> }> = {};
  for (let i = 0; i < warm + count; i++) {
    seed[`load${i}`] = { modules: modulesUpTo(20), flags: tenantFlags(i) };
    seed[`enable${i}`] = { modules: modulesUpTo(19), flags: tenantFlags(i) };
  }
  const app = createContainer(appManifest(20));
  await app.start();
  const tenants = createTenantHost(app, { store: createMemoryStore(seed) });

  const load = await beyondHooks(count, warm, (i) => tenants.load(`load${i}`));
  rows.push([
    "load a tenant with 20 modules (memory store), beyond the modules' own hooks",
    `${fmt(load.beyond)} (hooks ${fmt(load.hooks)})`,
    "≤ 1 ms",
  ]);

  for (let i = 0; i < warm + count; i++) await tenants.load(`enable${i}`);
  const enable = await beyondHooks(count, warm, (i) => tenants.enable(`enable${i}`, id(19)));
  rows.push([
    "enable one module at run time (19 enabled; it requires 2 of them; persisted), beyond its hooks",
    `${fmt(enable.beyond)} (hooks ${fmt(enable.hooks)})`,
    "≤ 0.2 ms",
  ]);
  await app.dispose();
}

async function heap(rows: string[][]): Promise<void> {
  if (gc === undefined) {
    rows.push([
      "heap per loaded module / per tenant's flags",
      "run with node --expose-gc",
      "≤ 2 KB / ≤ 1 KB",
    ]);
    return;
  }
  const tenantCount = quick ? 2_000 : 10_000;
  const seed: Record<string, { modules: string[]; flags: Record<string, FlagValue> }> = {};
  const empty: Record<string, { flags: Record<string, FlagValue> }> = {};
  for (let i = 0; i < tenantCount; i++) {
    seed[`t${i}`] = { modules: modulesUpTo(10), flags: tenantFlags(i) };
    empty[`t${i}`] = { flags: tenantFlags(i) };
  }
  // The flags of those tenants cached by the flag service's memory tier, each read its own copy
  // (as Postgres returns them); measured first, before the containers below leave garbage.
  const inner = createMemoryStore(empty);
  const flags = createFlags({
    store: {
      read: async (tenantId) => {
        const state = await inner.read(tenantId);
        return state && { ...state, flags: { ...state.flags } };
      },
      update: (tenantId, fn) => inner.update(tenantId, fn),
      list: () => inner.list(),
    },
    memoryTtlMs: 600_000,
  });
  const before = await settledHeap();
  for (let i = 0; i < tenantCount; i++) await flags.all(`t${i}`);
  const used = (await settledHeap()) - before;
  rows.push([
    `heap per tenant's flags (flag service memory tier, ${tenantCount.toLocaleString("en")} tenants × 10 flags)`,
    bytes(used / tenantCount),
    "≤ 1 KB",
  ]);
  await flags.close();

  const measure = async (store: ReturnType<typeof createMemoryStore>, perTenant: number): Promise<number> => {
    const app = createContainer(appManifest(10));
    await app.start();
    const tenants = createTenantHost(app, { store });
    const before = await settledHeap();
    for (let i = 0; i < tenantCount; i++) await tenants.load(`t${i}`);
    const used = (await settledHeap()) - before;
    if (tenants.stats().modulesLoaded !== tenantCount * perTenant) throw new Error("not every module loaded");
    await app.dispose();
    return used;
  };
  const withModules = await measure(createMemoryStore(seed), 10);
  const withoutModules = await measure(createMemoryStore(empty), 0);
  const modules = tenantCount * 10;
  rows.push([
    `heap per loaded module (${tenantCount.toLocaleString("en")} tenants × 10 modules; all of a tenant's heap / its modules)`,
    bytes(withModules / modules),
    "≤ 2 KB",
  ]);
  rows.push([
    "… of which a loaded tenant with no module (its container, context, state) / 10",
    bytes(withoutModules / modules),
    "",
  ]);
  rows.push([
    "… and each module beyond that (record, instance, its container entry)",
    bytes((withModules - withoutModules) / modules),
    "",
  ]);
}

async function main(): Promise<void> {
  log(`# @modreg/tenants host benchmarks${quick ? " (BENCH_QUICK=1: reduced)" : ""}\n`);
  log(`Node ${process.version}, ${process.platform}/${process.arch}, ${loadLine()}\n`);
  const rows: string[][] = [];
  const only = process.env["BENCH_ONLY"];
  if (only !== "heap") await loadAndEnable(rows);
  if (only !== "speed") await heap(rows);
  log("| measure | figure (median) | target |");
  log("| --- | --- | --- |");
  for (const row of rows) log(`| ${row.join(" | ")} |`);
}

await main();
