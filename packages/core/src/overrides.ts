import type { Container, Override } from "./container-types.js";
import { describeKey, overriddenDefinition } from "./definitions.js";
import { ModuleRegistryError } from "./errors.js";
import { ModuleNode } from "./node.js";
import { isToken } from "./tokens.js";

/**
 * Replaces the overridden nodes in `nodes` with nodes `owner` builds; appends one node per
 * token override. Returns the interface keys token overrides took over.
 */
export function applyOverrides(
  overrides: readonly Override[],
  nodes: ModuleNode[],
  owner: Container,
): Map<string, ModuleNode> {
  const replaced = new Map<string, ModuleNode>();
  const list: readonly Override[] = overrides;
  const index = positions(list.length > 0 ? nodes : []);
  for (const override of list) {
    const key = override.provide;
    if (isToken(key)) {
      const { def, external } = overriddenDefinition(override, undefined, () => owner);
      const node = new ModuleNode(def, owner);
      node.external = external;
      nodes.push(node);
      replaced.set(key.key, node);
      continue;
    }
    const i = index.get(key);
    if (i === undefined) {
      throw new ModuleRegistryError(
        "MODULE_NOT_FOUND",
        `override of ${describeKey(key)} matches no module. Override a module's class, id or an interface token.`,
      );
    }
    const { def, external } = overriddenDefinition(override, nodes[i]!.def, () => owner);
    const node = new ModuleNode(def, owner);
    node.external = external;
    nodes[i] = node;
  }
  return replaced;
}

/**
 * Each node's position by id and by handle. A function of its own: a closure of
 * `applyOverrides` (the `() => owner` an override keeps) would otherwise keep this map alive.
 */
function positions(nodes: readonly ModuleNode[]): Map<unknown, number> {
  const index = new Map<unknown, number>();
  nodes.forEach((node, i) => index.set(node.id, i).set(node.def.handle, i));
  return index;
}
