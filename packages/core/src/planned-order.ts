/**
 * The load order the codegen wrote into a manifest without conditions (`Manifest.order`),
 * checked before `start()` follows it: computing the order of thousands of modules is one of
 * the passes a first boot pays for in V8's interpreter, checking one is a cheaper pass.
 */
import type { ModuleNode } from "./node.js";
import { isBuildEdge } from "./registry.js";

/**
 * `planned` (indices into `nodes`) as nodes, when it is an order of them: every node active
 * and listed once, each after the targets of its build edges (so the graph has no cycle).
 * Otherwise `undefined` — a hand-edited or stale plan, a module inactive, or a cycle — and
 * the caller computes the order (and finds the cycle) itself.
 */
export function plannedOrder(
  nodes: readonly ModuleNode[],
  planned: ArrayLike<number>,
): ModuleNode[] | undefined {
  if (planned.length !== nodes.length) return undefined;
  // `position`: where a node is in the plan, -1 while it has not been reached
  for (let n = 0; n < nodes.length; n++) nodes[n]!.position = -1;
  const order: ModuleNode[] = new Array<ModuleNode>(planned.length);
  for (let k = 0; k < planned.length; k++) {
    const node = nodes[planned[k]!];
    if (node === undefined || !node.active || node.position !== -1) return undefined;
    const { deps } = node.def;
    for (let i = 0; i < deps.length; i++) {
      if (!isBuildEdge(deps[i]!)) continue;
      const targets = node.targets[i]!;
      for (let t = 0; t < targets.length; t++) {
        const target = targets[t]!;
        if (target.position < 0 || order[target.position] !== target) return undefined;
      }
    }
    node.position = k;
    order[k] = node;
  }
  return order;
}
