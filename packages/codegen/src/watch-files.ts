import { watch as watchFiles } from "node:fs";
import path from "node:path";

const RELEVANT = /(?:\.[cm]?tsx?|package\.json|tsconfig[^/\\]*\.json)$/;
const IGNORED = /(?:^|[\\/])(?:node_modules|\.git|dist)(?:[\\/]|$)/;

/** A running watch of a project's sources; `close()` stops it. */
export interface SourceWatcher {
  close(): void;
}

/**
 * Watches a project directory for edits, additions and removals of the files a generation
 * reads (sources, `package.json`, tsconfigs, and the `also` files), batching bursts of changes: `onChange` gets
 * absolute paths, never those of `generated` files. Shared by `modreg generate --watch` and
 * the bundler plugin, so both see new files a bundler's own watcher would miss. With
 * `keepAlive: false` (a plugin inside a bundler's process) it does not keep the process running.
 */
export function watchSources(
  projectDir: string,
  generated: readonly string[],
  onChange: (changed: string[]) => void,
  {
    keepAlive = true,
    debounceMs = 25,
    also = [],
  }: {
    readonly keepAlive?: boolean;
    readonly debounceMs?: number;
    /** Other files inside `projectDir` to report (a `modreg.config.json`). */
    readonly also?: readonly string[];
  } = {},
): SourceWatcher {
  const skip = new Set(generated.map((f) => path.resolve(f)));
  const extra = new Set(also.map((f) => path.resolve(f)));
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watcher = watchFiles(projectDir, { recursive: true }, (_event, name) => {
    if (name === null) return;
    const relative = name.toString();
    const fileName = path.resolve(projectDir, relative);
    if (!extra.has(fileName) && (!RELEVANT.test(fileName) || IGNORED.test(relative) || skip.has(fileName)))
      return;
    pending.add(fileName);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changed = [...pending];
      pending.clear();
      onChange(changed);
    }, debounceMs);
  });
  if (!keepAlive) watcher.unref();
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
