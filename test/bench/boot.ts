/**
 * Cold boot: create a container and build every module of a 1,000 or 10,000-module graph
 * (each module taking up to three earlier ones), then the heap it retains per module.
 * A boot takes milliseconds to seconds, so this is timed directly in CPU time (a fresh
 * container per sample, a full GC before each) rather than through mitata's micro-benchmark loop.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { checkGraph, checkHandBuild, HAND_WRITTEN, noteFailure, sampleNodes } from "./check.ts";
import { layeredGraph, loadGraph, type Graph } from "./graphs.ts";
import type { Instance, Peer } from "./peers.ts";
import { formatBytes, formatTime, median, ratio, table } from "./report.ts";

setFlagsFromString("--expose-gc");
/** `gc()` without a command-line flag: exposed into a fresh context after setting the V8 flag. */
const gc = runInNewContext("gc") as () => void;

export interface BootOptions {
  readonly sizes: readonly number[];
  /** At most this many timed samples per contender and size. */
  readonly maxSamples: number;
  /** Stop sampling a contender once it has used this much time (at least one sample). */
  readonly budgetMs: number;
  /** Fresh child processes per contender for the first-boot column (0: skip the column). */
  readonly firstBootRuns: number;
}

const ROOT = join(import.meta.dirname, "..", "..");

/** Contenders whose first boot imports plain JavaScript under plain `node` (first-boot-plain.mjs). */
const PLAIN = new Set(["modreg (+manifest eval)", HAND_WRITTEN]);

/** One first boot in a fresh process, or the reason it failed. */
function firstBoot(who: string, graph: string): number | string {
  const script = PLAIN.has(who)
    ? [join(import.meta.dirname, "first-boot-plain.mjs")]
    : [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(import.meta.dirname, "first-boot.ts")];
  const child = spawnSync(process.execPath, [...script, who, graph], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /FIRST_BOOT_NS (\d+)/.exec(child.stdout);
  if (m !== null) return Number(m[1]);
  const error = child.stderr
    .trim()
    .split("\n")
    .find((l) => /Error/.test(l));
  return (error ?? `exit ${child.status}`).trim();
}

export interface BootResult {
  readonly size: number;
  readonly medians: ReadonlyMap<string, number>;
  readonly heapPerModule: ReadonlyMap<string, number>;
  /** Median time of the first boot in a fresh process. */
  readonly firstBoot: ReadonlyMap<string, number>;
  readonly text: string;
}

interface Booter {
  readonly name: string;
  readonly skip?: string;
  readonly boot?: (g: Graph) => unknown;
  /** Checks a booted result; throws when it is wrong. */
  readonly check?: (g: Graph, booted: unknown) => void;
}

/**
 * One boot after a full collection, timed in CPU time (this process's threads, so also the
 * collector's and compiler's work it causes): on a machine shared with other work, wall time
 * mostly measures the scheduler. The caller keeps the contender's previous boot
 * referenced while that collection runs, as in a process that already runs a container: when
 * every object of a shape has died, a full GC frees the shape (V8 map) too, which deoptimizes
 * every function compiled against it (`--trace-deopt`: "weak objects"), and the sample would
 * time re-optimization instead of a warm boot.
 */
async function timeOnce(boot: (g: Graph) => unknown, g: Graph): Promise<{ ns: number; booted: unknown }> {
  gc();
  const t0 = process.cpuUsage();
  const booted: unknown = await boot(g);
  const { user, system } = process.cpuUsage(t0);
  return { ns: (user + system) * 1000, booted };
}

/**
 * Heap retained per booted container, after full collections on both sides. Several
 * containers are kept alive at once for small graphs, so GC noise is spread over ~20,000
 * modules' worth of objects.
 */
async function retained(boot: (g: Graph) => unknown, g: Graph, copies: number): Promise<number> {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[] = [];
  for (let c = 0; c < copies; c++) kept.push(await boot(g));
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== copies) throw new Error("boot results were not kept alive");
  return (after - before) / copies;
}

export async function coldBoot(
  containers: readonly Peer[],
  unavailable: readonly { name: string; why: string }[],
  opts: BootOptions,
  log: (line: string) => void,
): Promise<BootResult[]> {
  const results: BootResult[] = [];
  for (const size of opts.sizes) {
    const g = await loadGraph(`boot-${size}`, layeredGraph(size, 7));
    const booters: Booter[] = [
      ...containers.map((p) => ({
        name: p.name,
        boot: (graph: Graph) => p.boot(graph),
        check: (graph: Graph, booted: unknown) =>
          checkGraph(p.name, graph, booted as Instance, sampleNodes(graph, 500)),
      })),
      { name: HAND_WRITTEN, boot: (graph: Graph) => graph.handBuild(), check: checkHandBuild },
      ...unavailable.map((u) => ({ name: u.name, skip: u.why })),
    ];
    const medians = new Map<string, number>();
    const heap = new Map<string, number>();
    const first = new Map<string, number>();
    const rowOf = new Map<string, string[]>();
    const runnable: Required<Pick<Booter, "name" | "boot">>[] = [];
    for (const b of booters) {
      if (b.boot === undefined || b.check === undefined) {
        rowOf.set(b.name, [b.name, "—", "—", "—", "—", "—", "—", `not measured: ${b.skip ?? ""}`]);
        continue;
      }
      try {
        b.check(g, await b.boot(g));
        runnable.push({ name: b.name, boot: b.boot });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        log(`  ! ${b.name} failed its check on ${g.name}: ${msg}`);
        noteFailure(b.name, msg);
        rowOf.set(b.name, [b.name, "—", "—", "—", "—", "—", "—", `not measured: failed its check: ${msg}`]);
      }
    }
    // Samples are interleaved across contenders (rotating order), so a burst of load from
    // elsewhere on the machine lands on all of them rather than on whoever ran at the time.
    const samples = new Map<string, number[]>(runnable.map((b) => [b.name, []]));
    const spent = new Map<string, number>(runnable.map((b) => [b.name, 0]));
    /** Each contender's previous boot (see `timeOnce`). */
    const alive = new Map<string, unknown>();
    for (let round = 0; round < opts.maxSamples; round++) {
      for (let k = 0; k < runnable.length; k++) {
        const b = runnable[(k + round) % runnable.length];
        if (b === undefined || (round > 0 && (spent.get(b.name) ?? 0) > opts.budgetMs * 1e6)) continue;
        const { ns, booted } = await timeOnce(b.boot, g);
        alive.set(b.name, booted); // until its next sample's collection is over
        samples.get(b.name)?.push(ns);
        spent.set(b.name, (spent.get(b.name) ?? 0) + ns);
      }
    }
    alive.clear();
    const firstRuns = new Map<string, number[]>();
    const firstFailure = new Map<string, string>();
    for (let r = 0; r < opts.firstBootRuns; r++) {
      for (const b of runnable) {
        if (firstFailure.has(b.name)) continue;
        const f = firstBoot(b.name, g.name);
        if (typeof f === "string") firstFailure.set(b.name, f);
        else firstRuns.set(b.name, [...(firstRuns.get(b.name) ?? []), f]);
      }
    }
    for (const b of runnable) {
      const own = samples.get(b.name) ?? [];
      const bytes = (await retained(b.boot, g, Math.max(1, Math.round(20_000 / size)))) / size;
      medians.set(b.name, median(own));
      heap.set(b.name, bytes);
      const f = firstRuns.get(b.name);
      if (f !== undefined) first.set(b.name, median(f));
      const failure = firstFailure.get(b.name);
      rowOf.set(b.name, [
        b.name,
        formatTime(median(own)),
        "",
        "",
        failure !== undefined ? `failed: ${failure}` : f !== undefined ? formatTime(median(f)) : "—",
        formatBytes(bytes),
        String(own.length),
        `${formatTime(Math.min(...own))}–${formatTime(Math.max(...own))}`,
      ]);
    }
    const rows = booters.map((b) => rowOf.get(b.name) ?? [b.name]);
    const modreg = medians.get("modreg");
    const base = medians.get(HAND_WRITTEN);
    for (const row of rows) {
      const m = medians.get(row[0] ?? "");
      if (m === undefined) continue;
      row[2] = ratio(m, modreg);
      row[3] = ratio(m, base);
      const f = first.get(row[0] ?? "");
      if (f !== undefined && first.get("modreg") !== undefined && row[0] !== "modreg") {
        row[4] = `${row[4] ?? ""} (${ratio(f, first.get("modreg"))})`;
      }
    }
    const text =
      `### cold boot: ${size.toLocaleString("en-US")} modules (create, register, build all; warm: a full GC before each sample, the contender's previous boot still alive)\n\n` +
      table(
        [
          "contender",
          "median (warm, CPU)",
          "× modreg",
          "× new",
          "first boot, fresh process (CPU)",
          "heap/module",
          "samples",
          "spread",
        ],
        rows,
        [7],
      ) +
      "\n";
    log(text);
    results.push({ size, medians, heapPerModule: heap, firstBoot: first, text });
  }
  return results;
}
