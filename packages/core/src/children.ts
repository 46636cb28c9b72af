/**
 * Child containers: the registry a child sees (its parent's nodes, fresh copies of those
 * its overrides affect, and modules it loaded or registered itself).
 */
import type { Container, Override } from "./container-types.js";
import { type DuplicateError, placeNodes } from "./extend.js";
import { reachable, reverseEdges } from "./graph.js";
import { ModuleNode } from "./node.js";
import { applyOverrides } from "./overrides.js";
import { Registry } from "./registry.js";

/**
 * The parent's nodes, except fresh ones (owned by `owner`) for every node an override of
 * the child replaces and every node that depends on one, directly or not, through any edge;
 * then the child's own modules, which may shadow inactive modules of the parent (tenant
 * modules). Links the nodes the child owns.
 */
export function childRegistry(
  parent: Registry,
  owner: Container,
  overrides: readonly Override[],
  own: readonly ModuleNode[],
  duplicate: DuplicateError,
): Registry {
  const before = parent.nodes;
  const copies = [...before];
  const ownReplaced = applyOverrides(overrides, copies, owner);
  const seeds: number[] = [];
  before.forEach((node, i) => {
    // an inactive module is never built here: nothing to copy (a child may shadow it instead)
    if (!node.active && copies[i] === node) return;
    const rebound = node.def.deps.some((dep) => dep.iface !== undefined && ownReplaced.has(dep.iface));
    if (copies[i] !== node || rebound) seeds.push(i);
  });
  if (seeds.length > 0) {
    const position = new Map(before.map((node, i) => [node, i]));
    const edges = before.map((node) => node.targets.flat().map((t) => position.get(t) ?? -1));
    for (const i of new Set([...seeds, ...reachable(reverseEdges(edges), seeds)])) {
      const original = before[i]!;
      if (copies[i] === original) copies[i] = new ModuleNode(original.def, owner);
      Object.assign(copies[i]!, { active: original.active, inactiveReason: original.inactiveReason });
      if (!original.active) copies[i]!.state = "inactive";
    }
  }
  const nodes = own.length > 0 ? placeNodes(copies, own, owner, duplicate) : copies;
  // Token overrides of the parent still apply here; the child's own take precedence.
  const registry = new Registry(nodes, new Map([...parent.replacedKeys, ...ownReplaced]));
  registry.link(nodes.filter((node) => node.owner === owner));
  return registry;
}
