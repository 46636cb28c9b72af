/**
 * Captive dependencies: a module that lives as long as its container (singleton or lazy)
 * holding on to a module that lives as long as one scope (scoped). The search is shared by
 * the codegen's build-time check (MR3010–MR3012) and the container's check at `start()`.
 */
import type { Scope } from "./manifest.js";

/** One edge as the search sees it: its target, and whether it is a build edge (not `Lazy`/`Factory`). */
export interface CaptiveEdge<N> {
  readonly to: N;
  readonly build: boolean;
}

/** A path from a long-lived module to a scoped one. */
export interface CaptivePath<N> {
  /** From the long-lived module to the scoped module; factory modules in between. */
  readonly path: readonly N[];
  /** Some edge on the path is a `Lazy`/`Factory` edge. */
  readonly deferred: boolean;
}

/**
 * The shortest path from `from` (a singleton or lazy module) to a scoped module over its
 * edges, passing through factory modules only (a factory instance belongs to whoever
 * made it, so it lives as long as its maker). `undefined` when there is none, or when
 * `from` is not long-lived.
 *
 * @example
 * findCaptive("cache", scopeOf, edgesOf) // { path: ["cache", "audit", "request"], deferred: false }
 */
export function findCaptive<N>(
  from: N,
  scopeOf: (node: N) => Scope,
  edgesOf: (node: N) => Iterable<CaptiveEdge<N>>,
): CaptivePath<N> | undefined {
  const start = scopeOf(from);
  if (start !== "singleton" && start !== "lazy") return undefined;
  const parent = new Map<N, { readonly from: N; readonly build: boolean } | undefined>([[from, undefined]]);
  const queue: N[] = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const edge of edgesOf(node)) {
      if (parent.has(edge.to)) continue;
      const scope = scopeOf(edge.to);
      if (scope !== "scoped" && scope !== "factory") continue;
      parent.set(edge.to, { from: node, build: edge.build });
      if (scope === "factory") {
        queue.push(edge.to);
        continue;
      }
      const path: N[] = [];
      let deferred = false;
      for (let at: N | undefined = edge.to; at !== undefined;) {
        path.push(at);
        const step = parent.get(at);
        if (step !== undefined && !step.build) deferred = true;
        at = step?.from;
      }
      return { path: path.reverse(), deferred };
    }
  }
  return undefined;
}
