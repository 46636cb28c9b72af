/**
 * Factory modules injected into factory modules: each use builds the whole chain below it.
 * Short chains go through the compiled `make()`/`r(i)` calls, one inside another (what V8
 * inlines best); a chain deeper than `DEEP_CHAIN` is built bottom-up with an explicit
 * stack instead, so its length is bounded by memory, not by the call stack.
 */
import { readDependency } from "./dependencies.js";
import type { ModuleNode } from "./node.js";
import type { Resolve } from "./manifest.js";

/** Nested factory builds above which a chain is built iteratively. */
export const DEEP_CHAIN = 256;

/** The factory module `node`'s dependency `i` is a new instance of, built by `make()`; else `undefined`. */
export function factoryTarget(node: ModuleNode, i: number): ModuleNode | undefined {
  const dep = node.def.deps[i]!;
  if ((dep.inject ?? "value") !== "value" || dep.multi) return undefined;
  const target = node.targets[i]![0];
  return target !== undefined && target.make !== undefined ? target : undefined;
}

/**
 * Sets `chainDepth` of every factory node among `nodes` (linked, `make` set): how many
 * factory builds nest in one `make()` of it, itself included. Iterative, memoized on the
 * nodes (a parent container's nodes keep theirs); factory edges are acyclic.
 */
export function measureChains(nodes: readonly ModuleNode[]): void {
  for (const root of nodes) {
    if (root.make === undefined || root.chainDepth > 0) continue;
    const stack: { node: ModuleNode; next: number; depth: number }[] = [{ node: root, next: 0, depth: 1 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.node.def.deps.length) {
        const target = factoryTarget(frame.node, frame.next++);
        if (target === undefined) continue;
        if (target.chainDepth > 0) frame.depth = Math.max(frame.depth, target.chainDepth + 1);
        else stack.push({ node: target, next: 0, depth: 1 });
        continue;
      }
      stack.pop();
      frame.node.chainDepth = frame.depth;
      const below = stack[stack.length - 1];
      if (below !== undefined) below.depth = Math.max(below.depth, frame.depth + 1);
    }
  }
}

interface Frame {
  readonly node: ModuleNode;
  readonly args: readonly unknown[];
  /** Dependency values, read (or built) before the node's own `create` runs. */
  readonly values: unknown[];
  next: number;
}

/**
 * A new instance of factory module `root`, every factory instance it needs built first,
 * bottom-up, without nesting calls: each node's dependencies are read in order (factory
 * ones pushed on the stack), then `produce(node, r, args)` builds it with an `r(i)` over
 * those values (past them, `readDependency` reports the stale manifest).
 */
export function produceBottomUp(
  root: ModuleNode,
  args: readonly unknown[],
  produce: (node: ModuleNode, r: Resolve, args: readonly unknown[]) => unknown,
): unknown {
  const stack: Frame[] = [{ node: root, args, values: [], next: 0 }];
  for (;;) {
    const frame = stack[stack.length - 1]!;
    const { node, values } = frame;
    const count = node.def.deps.length;
    if (frame.next < count) {
      const i = frame.next++;
      const target = factoryTarget(node, i);
      if (target !== undefined) stack.push({ node: target, args: [], values: [], next: 0 });
      else values[i] = readDependency(node, i);
      continue;
    }
    stack.pop();
    const instance = produce(node, (i) => (i < count ? values[i] : readDependency(node, i)), frame.args);
    const below = stack[stack.length - 1];
    if (below === undefined) return instance;
    below.values[below.next - 1] = instance;
  }
}
