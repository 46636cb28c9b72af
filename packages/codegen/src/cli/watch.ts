import { watch as watchFiles } from "node:fs";
import path from "node:path";
import type { GenerateResult, Generator } from "../generate.js";
import type { CliIO } from "./main.js";

const RELEVANT = /(?:\.[cm]?tsx?|package\.json|tsconfig[^/\\]*\.json)$/;
const IGNORED = /(?:^|[\\/])(?:node_modules|\.git|dist)(?:[\\/]|$)/;

/**
 * `modreg generate --watch`: regenerates after every change, reusing the program, keeps
 * running through errors, and says how long each run took. Resolves to 0 when `io.signal` aborts.
 */
export function watch(
  generator: Generator,
  io: CliIO,
  report: (result: GenerateResult, io: CliIO) => number,
): Promise<number> {
  const runOnce = (label: string): GenerateResult => {
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
  };
  const first = runOnce("generated");
  const generated = new Set([path.resolve(first.out)]);
  return new Promise((resolve) => {
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const watcher = watchFiles(first.projectDir, { recursive: true }, (_event, name) => {
      if (name === null) return;
      const fileName = path.resolve(first.projectDir, name.toString());
      if (!RELEVANT.test(fileName) || IGNORED.test(name.toString()) || generated.has(fileName)) return;
      pending.add(fileName);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const changed = [...pending];
        pending.clear();
        generator.update(changed);
        runOnce(
          `regenerated after ${changed.length === 1 ? path.relative(io.cwd, changed[0]!) : `${changed.length} changes`}`,
        );
      }, 25);
    });
    io.stdout.write("[modreg] watching for changes (Ctrl+C to stop)\n");
    const stop = () => {
      clearTimeout(timer);
      watcher.close();
      resolve(0);
    };
    if (io.signal) io.signal.addEventListener("abort", stop, { once: true });
    else process.once("SIGINT", stop);
  });
}
