import type { ModuleNode } from "./node.js";
import { isBuildEdge } from "./registry.js";

/** What building a module needs, dependencies first, with the way each module was reached. */
export interface BuildPlan {
  /** Modules to build in this order; the root last. */
  readonly order: readonly ModuleNode[];
  /** The module each one was reached from, for paths. */
  readonly parent: ReadonlyMap<ModuleNode, ModuleNode>;
}

/** Targets of a node's build edges, flattened. */
function buildTargets(node: ModuleNode): ModuleNode[] {
  const targets: ModuleNode[] = [];
  const { deps } = node.def;
  for (let i = 0; i < deps.length; i++) {
    if (isBuildEdge(deps[i]!)) for (const target of node.targets[i]!) targets.push(target);
  }
  return targets;
}

interface Frame {
  readonly node: ModuleNode;
  readonly targets: readonly ModuleNode[];
  next: number;
}

/**
 * The modules not built yet that building `root` (a singleton or lazy module) needs, root
 * included, in an order where each comes after its build dependencies. Factory modules are
 * not in it (each use builds its own instance), but what they need is. Iterative, so a
 * chain of any length fits; build edges are acyclic (start validated them).
 */
export function planBuild(root: ModuleNode): BuildPlan {
  const order: ModuleNode[] = [];
  const parent = new Map<ModuleNode, ModuleNode>();
  const seen = new Set<ModuleNode>([root]);
  const stack: Frame[] = [{ node: root, targets: buildTargets(root), next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.targets.length) {
      const target = frame.targets[frame.next++]!;
      if (seen.has(target)) continue;
      seen.add(target);
      if (target.def.scope !== "factory" && target.state !== "pending") continue;
      parent.set(target, frame.node);
      stack.push({ node: target, targets: buildTargets(target), next: 0 });
      continue;
    }
    stack.pop();
    if (frame.node === root || frame.node.def.scope !== "factory") order.push(frame.node);
  }
  return { order, parent };
}

/** The ids from the plan's root down to `node`. */
export function pathFromRoot(plan: BuildPlan, node: ModuleNode): string[] {
  const path: string[] = [];
  for (let at: ModuleNode | undefined = node; at !== undefined; at = plan.parent.get(at)) path.push(at.id);
  return path.reverse();
}

/**
 * Singletons and the non-singletons they need built first (lazy modules, and through
 * factory modules their dependencies): marked walking the load order backwards.
 */
export function neededBySingletons(order: readonly ModuleNode[]): (node: ModuleNode) => boolean {
  const extra = new Set<ModuleNode>();
  if (order.every((node) => node.def.scope === "singleton")) return () => true;
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.def.scope !== "singleton" && !extra.has(node)) continue;
    node.def.deps.forEach((dep, d) => {
      if (!isBuildEdge(dep)) return;
      for (const target of node.targets[d]!) if (target.def.scope !== "singleton") extra.add(target);
    });
  }
  return (node) => node.def.scope === "singleton" || extra.has(node);
}

/** `roots` and every module they need built first. */
export function closureOf(roots: readonly ModuleNode[]): (node: ModuleNode) => boolean {
  const wanted = new Set<ModuleNode>();
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (wanted.has(node)) continue;
    wanted.add(node);
    node.def.deps.forEach((dep, i) => {
      if (isBuildEdge(dep)) stack.push(...(node.targets[i] ?? []));
    });
  }
  return (node) => wanted.has(node);
}
