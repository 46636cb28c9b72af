/**
 * Cold boot: create a container and build every module of a 1,000 or 10,000-module graph
 * (each module taking up to three earlier ones), then the heap it retains per module.
 * A boot takes milliseconds to seconds, so this is timed directly (a fresh container per
 * sample, a full GC before each) rather than through mitata's micro-benchmark loop.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { checkGraph, sampleNodes } from "./check.ts";
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
}

export interface BootResult {
  readonly size: number;
  readonly medians: ReadonlyMap<string, number>;
  readonly heapPerModule: ReadonlyMap<string, number>;
  readonly text: string;
}

interface Booter {
  readonly name: string;
  readonly skip?: string;
  readonly boot?: (g: Graph) => unknown;
  /** Checks a booted result; throws when it is wrong. */
  readonly check?: (g: Graph, booted: unknown) => void;
}

async function timeOnce(boot: (g: Graph) => unknown, g: Graph): Promise<number> {
  gc();
  const t0 = process.hrtime.bigint();
  await boot(g);
  return Number(process.hrtime.bigint() - t0);
}

/** Heap retained by one booted container, after full collections on both sides. */
async function retained(boot: (g: Graph) => unknown, g: Graph): Promise<number> {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = await boot(g);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept === undefined) throw new Error("boot returned nothing to keep alive");
  return after - before;
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
      {
        name: "new (hand-written)",
        boot: (graph: Graph) => graph.handBuild(),
        check: (graph: Graph, booted: unknown) => {
          const all = booted as unknown[];
          graph.classes.forEach((cls, i) => {
            if (!(all[i] instanceof cls)) throw new Error(`hand-written boot: node ${i} has the wrong class`);
          });
        },
      },
      ...unavailable.map((u) => ({ name: u.name, skip: u.why })),
    ];
    const medians = new Map<string, number>();
    const heap = new Map<string, number>();
    const rows: string[][] = [];
    for (const b of booters) {
      if (b.boot === undefined || b.check === undefined) {
        rows.push([b.name, "—", "—", "—", "—", "—", `not measured: ${b.skip ?? ""}`]);
        continue;
      }
      try {
        b.check(g, await b.boot(g));
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        log(`  ! ${b.name} failed its check on ${g.name}: ${msg}`);
        rows.push([b.name, "—", "—", "—", "—", "—", `not measured: failed its check: ${msg}`]);
        continue;
      }
      const samples: number[] = [];
      const started = Date.now();
      while (
        samples.length < opts.maxSamples &&
        (samples.length === 0 || Date.now() - started < opts.budgetMs)
      ) {
        samples.push(await timeOnce(b.boot, g));
      }
      const bytes = (await retained(b.boot, g)) / size;
      medians.set(b.name, median(samples));
      heap.set(b.name, bytes);
      rows.push([
        b.name,
        formatTime(median(samples)),
        "",
        "",
        formatBytes(bytes),
        String(samples.length),
        `${formatTime(Math.min(...samples))}–${formatTime(Math.max(...samples))}`,
      ]);
    }
    const modreg = medians.get("modreg");
    const base = medians.get("new (hand-written)");
    for (const row of rows) {
      const m = medians.get(row[0] ?? "");
      if (m === undefined) continue;
      row[2] = ratio(m, modreg);
      row[3] = ratio(m, base);
    }
    const text =
      `### cold boot: ${size.toLocaleString("en-US")} modules (create, register, build all)\n\n` +
      table(["contender", "median", "× modreg", "× new", "heap/module", "samples", "spread"], rows) +
      "\n";
    log(text);
    results.push({ size, medians, heapPerModule: heap, text });
  }
  return results;
}
