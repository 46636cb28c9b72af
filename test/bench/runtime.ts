/**
 * The runtime races: modreg, the six peers and plain-JavaScript baselines on the same graphs,
 * in one process, timed with mitata. Every contender is checked on its graph before it is
 * timed. Each race runs several rounds in rotating order and reports the median of the
 * per-round medians, because the machine is shared and a lone figure means little.
 */
import { do_not_optimize, measure } from "mitata";
import { checkGraph, noteFailure } from "./check.ts";
import { chainGraph, lazyGraph, layeredGraph, loadGraph, wideGraph, type Graph } from "./graphs.ts";
import type { Instance, Peer } from "./peers.ts";
import { formatTime, median, ratio, table } from "./report.ts";

export interface RaceOptions {
  /** mitata's minimum CPU time per measurement, in nanoseconds. */
  readonly minCpuTime: number;
  readonly rounds: number;
}

/** One timed line of a race: a container, or a baseline. */
interface Contender {
  readonly name: string;
  readonly baseline: boolean;
  /** Set when the contender cannot run this race. */
  readonly skip?: string;
  measure?: () => Promise<number>;
}

export interface RaceResult {
  readonly title: string;
  /** Median time per contender, in nanoseconds; absent when skipped. */
  readonly medians: ReadonlyMap<string, number>;
  readonly baseline: string;
  readonly text: string;
}

type BenchFn = () => void;

/**
 * Compiles a benchmark body as its own function, so each contender gets fresh type feedback:
 * closures of one function literal share feedback in V8, which would make the resolve call
 * polymorphic across contenders and tax whoever runs later.
 */
function compile<T>(params: readonly string[], body: string, ...args: unknown[]): T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- per-contender call sites, see above
  const make = new Function(...params, body) as (...a: unknown[]) => T;
  return make(...args);
}

/** Resolves rotating keys, so no lookup is loop-invariant for the JIT to hoist. */
function rotatingGet(get: (k: unknown) => unknown, keys: readonly unknown[]): BenchFn {
  return compile(
    ["get", "keys", "dno"],
    `let i = 0; const mask = keys.length - 1;
     return function singletonGet() { i = (i + 1) & mask; dno(get(keys[i])); };`,
    get,
    keys,
    do_not_optimize,
  );
}

function resolveOne(get: (k: unknown) => unknown, key: unknown): BenchFn {
  return compile(
    ["get", "key", "dno"],
    `return function resolveOne() { dno(get(key)); };`,
    get,
    key,
    do_not_optimize,
  );
}

/**
 * mitata generator: a fresh container per iteration (computed, not timed), then its first
 * resolve (timed). `first` is the timed expression over `inst` (and `hand`, for the baseline).
 */
function firstResolve(fresh: () => unknown, first: string, hand?: unknown): () => Generator<unknown> {
  return compile(
    ["fresh", "hand", "dno"],
    `return function* firstResolve() { yield { [0]: fresh, bench(inst) { dno(${first}); } }; };`,
    fresh,
    hand,
    do_not_optimize,
  );
}

/**
 * Containers created per first-resolve measurement are capped: InversifyJS 8 keeps about
 * 22 KB of every container it ever created reachable, and mitata's default batches would
 * create enough of them to exhaust a 4 GB heap.
 */
const FIRST_RESOLVE_LIMITS = { batch_samples: 32, max_samples: 150 } as const;

async function time(
  fn: BenchFn | (() => Generator<unknown>),
  opts: RaceOptions,
  limits: { batch_samples?: number; max_samples?: number } = {},
): Promise<number> {
  const stats = await measure(fn as () => unknown, { min_cpu_time: opts.minCpuTime, ...limits });
  return stats.p50;
}

async function runRace(
  title: string,
  contenders: readonly Contender[],
  baseline: string,
  opts: RaceOptions,
  log: (line: string) => void,
): Promise<RaceResult> {
  const runnable = contenders.filter((c) => c.measure !== undefined);
  const samples = new Map<string, number[]>(runnable.map((c) => [c.name, []]));
  for (let round = 0; round < opts.rounds; round++) {
    for (let k = 0; k < runnable.length; k++) {
      const c = runnable[(k + round) % runnable.length];
      if (c?.measure === undefined) continue;
      samples.get(c.name)?.push(await c.measure());
    }
  }
  const medians = new Map([...samples].map(([name, s]) => [name, median(s)]));
  const modreg = medians.get("modreg");
  const base = medians.get(baseline);
  const rows = contenders.map((c) => {
    const m = medians.get(c.name);
    if (m === undefined) return [c.name, "—", "—", "—", `not measured: ${c.skip ?? "failed its check"}`];
    const spread = samples.get(c.name) ?? [];
    return [
      c.name,
      formatTime(m),
      ratio(m, modreg),
      ratio(m, base),
      spread.length > 1
        ? `${spread.length} rounds, ${formatTime(Math.min(...spread))}–${formatTime(Math.max(...spread))}`
        : "",
    ];
  });
  const text = `### ${title}\n\n${table(["contender", "median", "× modreg", `× ${baseline}`, "spread"], rows, [4])}\n`;
  log(text);
  return { title, medians, baseline, text };
}

/** Builds a peer's container for `g`, checks it, and reports failures instead of timing them. */
async function checked(
  who: string,
  g: Graph,
  make: () => Instance | Promise<Instance>,
  nodes: readonly number[],
  log: (line: string) => void,
): Promise<Instance | string> {
  try {
    const inst = await make();
    checkGraph(who, g, inst, nodes);
    return inst;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(`  ! ${who} failed its check on ${g.name}: ${msg}`);
    noteFailure(who, msg);
    return `failed its check: ${msg.split("\n")[0] ?? ""}`;
  }
}

function contender(name: string, skip?: string): Contender {
  return skip === undefined ? { name, baseline: false } : { name, baseline: false, skip };
}

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Runs the four runtime races. `containers` is modreg (when available) followed by the peers. */
export async function runtimeRaces(
  containers: readonly Peer[],
  unavailable: readonly { name: string; why: string }[],
  opts: RaceOptions,
  log: (line: string) => void,
): Promise<RaceResult[]> {
  const results: RaceResult[] = [];
  const missing = unavailable.map((u) => contender(u.name, u.why));

  // 1. get a built singleton, from a 128-module container, rotating over 64 keys.
  {
    const g = await loadGraph("singletons-128", layeredGraph(128, 1));
    const pick = (keys: readonly unknown[]) => indices(64).map((i) => keys[i * 2]);
    const list: Contender[] = [];
    for (const p of containers) {
      const inst = await checked(p.name, g, () => p.boot(g), indices(128), log);
      const c = contender(p.name, typeof inst === "string" ? inst : undefined);
      if (typeof inst !== "string") {
        const fn = rotatingGet(inst.get, pick(inst.keys));
        c.measure = () => time(fn, opts);
      }
      list.push(c);
    }
    const built = g.handBuild();
    const map = new Map<unknown, unknown>(g.classes.map((cls, i) => [cls, built[i]]));
    const mapFn = rotatingGet((k) => map.get(k), pick(g.classes));
    const arrFn = rotatingGet((k) => built[k as number], pick(indices(128)));
    list.push({ name: "Map.get", baseline: true, measure: () => time(mapFn, opts) });
    list.push({ name: "array read", baseline: true, measure: () => time(arrFn, opts) });
    results.push(
      await runRace(
        "singleton get (128 modules, 64 rotating keys)",
        [...list, ...missing],
        "Map.get",
        opts,
        log,
      ),
    );
  }

  // 2. and 3. a transient chain of 4, and a transient module with 20 singleton dependencies.
  for (const [title, g] of [
    ["transient chain of 4 (A→B→C→D, all factory scope)", await loadGraph("chain-4", chainGraph(4))],
    ["wide module: 20 singleton dependencies (factory scope)", await loadGraph("wide-20", wideGraph(20))],
  ] as const) {
    const list: Contender[] = [];
    for (const p of containers) {
      if (!p.transient) {
        list.push(contender(p.name, "no transient scope (every provider is cached per container)"));
        continue;
      }
      const inst = await checked(p.name, g, () => p.boot(g), indices(g.names.length), log);
      const c = contender(p.name, typeof inst === "string" ? inst : undefined);
      if (typeof inst !== "string") {
        const fn = resolveOne(inst.get, inst.keys[0]);
        c.measure = () => time(fn, opts);
      }
      list.push(c);
    }
    const singletons = g.handBuild();
    const handFn = compile<BenchFn>(
      ["hand", "s", "dno"],
      `return function handNew() { dno(hand(s)); };`,
      g.handRoot,
      singletons,
      do_not_optimize,
    );
    list.push({ name: "new (hand-written)", baseline: true, measure: () => time(handFn, opts) });
    results.push(await runRace(title, [...list, ...missing], "new (hand-written)", opts, log));
  }

  // 4. first resolve of a lazy module whose three dependencies are already built.
  {
    const g = await loadGraph("lazy-1", lazyGraph());
    const list: Contender[] = [];
    for (const p of containers) {
      // Peers build singletons on first resolve anyway: build the dependencies, leave node 0.
      const fresh = async () => {
        const inst = await p.create(g);
        for (const i of [1, 2, 3]) inst.get(inst.keys[i]);
        return inst;
      };
      const inst = await checked(p.name, g, fresh, indices(4), log);
      const c = contender(p.name, typeof inst === "string" ? inst : undefined);
      if (typeof inst !== "string") {
        const gen = firstResolve(fresh, "inst.get(inst.keys[0])");
        c.measure = () => time(gen, opts, FIRST_RESOLVE_LIMITS);
      }
      list.push(c);
    }
    const handGen = firstResolve(() => g.handBuild(), "hand(inst)", g.handRoot);
    list.push({
      name: "new (hand-written)",
      baseline: true,
      measure: () => time(handGen, opts, FIRST_RESOLVE_LIMITS),
    });
    results.push(
      await runRace(
        "first resolve of a lazy module (3 built dependencies; fresh container per iteration, not timed)",
        [...list, ...missing],
        "new (hand-written)",
        opts,
        log,
      ),
    );
  }
  return results;
}
