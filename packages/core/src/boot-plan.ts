/**
 * What linking and validating a manifest's graph decide depends on its definitions and the
 * activation (env, features) alone, when nothing else is in the container (no overrides,
 * no `register`, no other manifest, no parent). The first container to start from such a
 * manifest keeps its validated registry and load order; when a second container asks, that
 * is turned into indices — each node's dependency targets and the load order — which it and
 * later containers with the same definitions and activation replay instead of linking and
 * validating again. (A process that starts one container, the common case, never pays for
 * the indices.) Only a graph that passed validation is remembered, so every check still
 * runs, once per manifest and activation.
 */
import type { Definition, ModuleNode } from "./node.js";
import type { ActivationContext, Registry, RegistryIndex } from "./registry.js";

export interface BootPlan {
  /** `targets[i][j]`: indices (into the nodes, in definition order) of node i's dependency j. */
  readonly targets: readonly (readonly (readonly number[])[])[];
  /** The validated load order, as indices. */
  readonly order: readonly number[];
  /** The registry's lookup tables, as indices. */
  readonly index: RegistryIndex;
}

/** A validated registry and its load order, not turned into a plan yet. */
interface Validated {
  readonly registry: Registry;
  readonly order: readonly ModuleNode[];
}

/** By definitions and activation: the plan, or what the first container validated. */
const plans = new WeakMap<readonly Definition[], Map<string, BootPlan | Validated | undefined>>();

function keyOf(activation: ActivationContext): string {
  return `${activation.env ?? ""}\u0000${activation.env === undefined ? "-" : "+"}${[...activation.features].sort().join("\u0000")}`;
}

/** The plan remembered for `defs` under `activation`, if any. */
export function planFor(defs: readonly Definition[], activation: ActivationContext): BootPlan | undefined {
  const byActivation = plans.get(defs);
  const key = keyOf(activation);
  const found = byActivation?.get(key);
  if (found === undefined || "targets" in found) return found;
  const plan = planOf(found);
  byActivation!.set(key, plan);
  return plan;
}

/**
 * Remembers a registry of nodes made from `defs` (in order) under `activation`, linked and
 * validated, with its load `order`, for the next container of the same definitions.
 */
export function rememberPlan(
  defs: readonly Definition[],
  activation: ActivationContext,
  registry: Registry,
  order: readonly ModuleNode[],
): void {
  let byActivation = plans.get(defs);
  if (byActivation === undefined)
    plans.set(defs, (byActivation = new Map<string, BootPlan | Validated | undefined>()));
  const key = keyOf(activation);
  if (!byActivation.has(key)) byActivation.set(key, { registry, order });
}

/** The plan of a validated registry; `undefined` when it links to nodes outside it. */
function planOf({ registry, order }: Validated): BootPlan | undefined {
  const { nodes } = registry;
  nodes.forEach((node, i) => (node.position = i));
  const at = (node: ModuleNode): number => (nodes[node.position] === node ? node.position : -1);
  const targets = nodes.map((node) => node.targets.map((list) => list.map(at)));
  // a target outside these nodes cannot be replayed: nothing is remembered
  if (targets.some((lists) => lists.some((list) => list.includes(-1)))) return undefined;
  return { targets, order: order.map(at), index: registry.index(at) };
}

const NO_NODES: readonly ModuleNode[] = Object.freeze([]);

/** Links `nodes` as `plan` says; returns the load order. */
export function replayPlan(plan: BootPlan, nodes: readonly ModuleNode[]): ModuleNode[] {
  nodes.forEach((node, i) => {
    node.targets = plan.targets[i]!.map((list) =>
      list.length === 0
        ? NO_NODES
        : list.length === 1
          ? nodes[list[0]!]!.asTarget
          : list.map((j) => nodes[j]!),
    );
  });
  return plan.order.map((i) => nodes[i]!);
}
