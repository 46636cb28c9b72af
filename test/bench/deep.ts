/**
 * Deep chains (issue 8 §4): a chain of singleton, lazy or factory modules, each constructor
 * taking the one below, built whole: `createContainer` + `start()` + `get(top)`. Nothing here
 * is compared with a peer; the figure shows that depth costs time linearly and never the stack.
 */
import type { Manifest, ModuleRecord, Scope } from "@modreg/core";
import { noteFailure } from "./check.ts";
import type { CreateContainer } from "./peers.ts";
import { formatTime, median, table } from "./report.ts";

class Link {
  constructor(readonly below?: Link) {}
}

function chain(length: number, scope: Scope): Manifest {
  const modules: ModuleRecord[] = [];
  for (let i = 0; i < length; i++) {
    const cls = class extends Link {};
    modules.push({
      id: `m${i}`,
      class: cls,
      scope,
      deps: i === 0 ? [] : [{ id: `m${i - 1}` }],
      create: i === 0 ? () => new cls() : (r) => new cls(r(0) as Link),
    });
  }
  return { formatVersion: 1, modules };
}

function depthOf(top: Link): number {
  let depth = 0;
  for (let at = top.below; at !== undefined; at = at.below) depth++;
  return depth;
}

export interface DeepOptions {
  readonly length: number;
  readonly samples: number;
}

/** Times building each scope's chain; a chain that fails or comes out short is a modreg failure. */
export async function deepChains(
  createContainer: CreateContainer,
  opts: DeepOptions,
  log: (line: string) => void,
): Promise<void> {
  const rows: string[][] = [];
  for (const scope of ["singleton", "lazy", "factory"] as const) {
    const manifest = chain(opts.length, scope);
    const times: number[] = [];
    let failure: string | undefined;
    for (let s = 0; s < opts.samples && failure === undefined; s++) {
      const t0 = process.hrtime.bigint();
      try {
        const app = createContainer(manifest);
        await app.start();
        const top = app.get(`m${opts.length - 1}`) as Link;
        times.push(Number(process.hrtime.bigint() - t0));
        if (depthOf(top) !== opts.length - 1) failure = `the top has ${depthOf(top)} levels below it`;
        await app.dispose();
      } catch (e) {
        failure = e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e);
      }
    }
    if (failure !== undefined) noteFailure("modreg", `deep ${scope} chain of ${opts.length}: ${failure}`);
    rows.push([
      scope,
      failure !== undefined ? `failed: ${failure}` : formatTime(median(times)),
      failure !== undefined ? "—" : formatTime(median(times) / opts.length),
      String(times.length),
    ]);
  }
  log(
    `### deep chains: ${opts.length.toLocaleString("en-US")} modules, each taking the one below (create + start + get(top))\n\n` +
      table(["scope", "median", "per module", "samples"], rows, [1]) +
      "\n",
  );
}
