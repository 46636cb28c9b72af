import path from "node:path";
import type { GenerateResult, Generator } from "../generate.js";
import { watchSources } from "../watch-files.js";
import type { CliIO } from "./main.js";

/**
 * `modreg generate --watch`: regenerates after every change, reusing the program, keeps
 * running through errors, and says how long each run took. Several generators (the entries of
 * a config) share one program: every change regenerates each of them. Resolves to 0 when
 * `io.signal` aborts.
 */
export function watch(
  generators: readonly Generator[],
  io: CliIO,
  report: (result: GenerateResult, io: CliIO) => number,
): Promise<number> {
  const runOnce = (label: string): GenerateResult[] =>
    generators.map((generator) => {
      const started = performance.now();
      const result = generator.run();
      const ms = Math.round(performance.now() - started);
      const failed = report(result, io) !== 0;
      const out = path.relative(io.cwd, result.out).split(path.sep).join("/");
      const what = failed
        ? "errors: nothing written"
        : result.written.includes(result.out)
          ? `wrote ${out}`
          : `${out} unchanged`;
      io.stdout.write(`[modreg] ${label} in ${ms} ms (${result.manifest.modules.length} modules): ${what}\n`);
      return result;
    });
  const first = runOnce("generated");
  return new Promise((resolve) => {
    const outs = first.map((r) => r.out);
    const watcher = watchSources(first[0]!.projectDir, outs, (changed) => {
      // the generators share one scanner: updating one updates them all
      generators[0]!.update(changed);
      runOnce(
        `regenerated after ${changed.length === 1 ? path.relative(io.cwd, changed[0]!) : `${changed.length} changes`}`,
      );
    });
    io.stdout.write("[modreg] watching for changes (Ctrl+C to stop)\n");
    const stop = () => {
      watcher.close();
      resolve(0);
    };
    if (io.signal) io.signal.addEventListener("abort", stop, { once: true });
    else process.once("SIGINT", stop);
  });
}
