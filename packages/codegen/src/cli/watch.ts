import path from "node:path";
import type { GenerateResult, Generator } from "../generate.js";
import { type SourceWatcher, watchSources } from "../watch-files.js";
import type { CliIO } from "./main.js";

/** The config file a watch follows: an edit re-reads it and regenerates its entries. */
export interface WatchedConfig {
  readonly file: string;
  /** New generators for the config as it now is; throws (a `UsageError`) when it is broken. */
  readonly reopen: () => Generator[];
}

/**
 * `modreg generate --watch`: regenerates after every change, reusing the program, keeps
 * running through errors, and says how long each run took. Several generators (the entries of
 * a config) share one program: every change regenerates each of them. An edit of the config
 * itself rebuilds the generators from it (a broken config is reported and the previous entries
 * kept). Resolves to 0 when `io.signal` aborts.
 */
export function watch(
  initial: readonly Generator[],
  io: CliIO,
  report: (result: GenerateResult, io: CliIO) => number,
  config?: WatchedConfig,
): Promise<number> {
  let generators = initial;
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
  const shown = (file: string) => path.relative(io.cwd, file) || file;
  const configFile = config && path.resolve(config.file);
  let watcher: SourceWatcher | undefined;
  const follow = (results: readonly GenerateResult[]): void => {
    watcher?.close();
    const outs = results.map((r) => r.out);
    watcher = watchSources(results[0]!.projectDir, outs, onChange, {
      ...(configFile !== undefined && { also: [configFile] }),
    });
  };
  const onChange = (changed: string[]): void => {
    const label = `regenerated after ${changed.length === 1 ? shown(changed[0]!) : `${changed.length} changes`}`;
    if (config !== undefined && changed.includes(configFile!)) {
      try {
        generators = config.reopen();
      } catch (e) {
        io.stderr.write(`[modreg] ${(e as Error).message}; keeping the previous entries\n`);
        return;
      }
      follow(runOnce(`reloaded ${shown(configFile!)}, generated`));
      return;
    }
    // the generators share one scanner: updating one updates them all
    generators[0]!.update(changed);
    runOnce(label);
  };
  follow(runOnce("generated"));
  return new Promise((resolve) => {
    io.stdout.write("[modreg] watching for changes (Ctrl+C to stop)\n");
    const stop = () => {
      watcher?.close();
      resolve(0);
    };
    if (io.signal) io.signal.addEventListener("abort", stop, { once: true });
    else process.once("SIGINT", stop);
  });
}
