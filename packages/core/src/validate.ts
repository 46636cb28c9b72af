import { findCaptive } from "./captive.js";
import { interfaceName } from "./keys.js";
import { satisfiesRange } from "./versions.js";
import { ModuleRegistryError, formatPath } from "./errors.js";
import { topologicalOrder } from "./graph.js";
import type { ModuleNode } from "./node.js";
import { ambiguityText } from "./primary.js";
import { plannedOrder } from "./planned-order.js";
import { type Registry, describeDep, isBuildEdge } from "./registry.js";

/** Why no active provider was found for dependency `i` of `node`. */
function missingReason(registry: Registry, node: ModuleNode, i: number): string {
  const dep = node.def.deps[i]!;
  if (dep.iface !== undefined) {
    const all = registry.allProviders.get(dep.iface) ?? [];
    if (all.length === 0) return `no module implements ${interfaceName(dep.iface)}`;
    return `every implementer is inactive: ${all.map((p) => `"${p.id}" (${p.inactiveReason})`).join(", ")}`;
  }
  const named = registry.named(dep);
  if (named === undefined) return `no module has id "${dep.id ?? dep.cls?.name}"`;
  return `module "${named.id}" is inactive: ${named.inactiveReason}`;
}

function edgeText(node: ModuleNode, i: number): string {
  return `module "${node.id}" depends on ${describeDep(node.def.deps[i]!)}`;
}

/** Checks one edge; returns the error or `undefined`. */
function checkEdge(registry: Registry, node: ModuleNode, i: number): ModuleRegistryError | undefined {
  const dep = node.def.deps[i]!;
  const targets = node.targets[i]!;
  if (targets.length === 0) {
    if (dep.optional || dep.multi || dep.inject === "resolver") return undefined;
    return new ModuleRegistryError(
      "MODULE_DEPENDENCY_MISSING",
      `${edgeText(node, i)}, but ${missingReason(registry, node, i)}. Add or activate a provider, or make the dependency optional.`,
      {
        moduleId: node.id,
        path: [node.id, dep.id ?? (dep.iface !== undefined ? interfaceName(dep.iface) : "?")],
        ...(dep.iface !== undefined && { key: dep.iface }),
      },
    );
  }
  if (targets.length > 1 && !dep.multi) {
    return new ModuleRegistryError(
      "MODULE_AMBIGUOUS_PROVIDER",
      `${edgeText(node, i)}, which ${ambiguityText(targets)} provide: ${targets.map((t) => `"${t.id}"`).join(", ")}. ` +
        `Choose one with \`inject: { ${dep.param ?? "param"}: "<id>" }\`, mark one \`primary: true\` (only one), deactivate the others with \`when\`, or inject an array.`,
      { moduleId: node.id },
    );
  }
  if (dep.range === undefined) return undefined;
  for (const target of targets) {
    // The codegen checked edges inside one validated manifest; only what it could not see is left.
    const sameManifest = target.def.origin === node.def.origin && target.owner === node.owner;
    if (target.def.validated && node.def.validated && sameManifest) continue;
    const fits = satisfiesRange(target.def.version, dep.range);
    if (fits !== true) {
      const valid = fits === false;
      return new ModuleRegistryError(
        "MODULE_VERSION_MISMATCH",
        valid
          ? `${edgeText(node, i)}, but "${target.id}" is version ${target.def.version}. Upgrade "${target.id}" or widen the range.`
          : `${edgeText(node, i)}, but "${dep.range}" is not a valid semver range. Fix the range.`,
        { moduleId: node.id, path: [node.id, target.id] },
      );
    }
  }
  return undefined;
}

/** Edges of a node for the captive search. */
function* edgesOf(node: ModuleNode): Iterable<{ to: ModuleNode; build: boolean }> {
  const { deps } = node.def;
  for (let i = 0; i < deps.length; i++) {
    const build = isBuildEdge(deps[i]!);
    for (const to of node.targets[i]!) yield { to, build };
  }
}

/** `MODULE_CAPTIVE_DEPENDENCY` when a singleton or lazy `node` would hold on to a scoped module. */
function captiveProblem(node: ModuleNode): ModuleRegistryError | undefined {
  const found = findCaptive(node, (n) => n.def.scope, edgesOf);
  if (found === undefined) return undefined;
  const path = found.path.map((n) => n.id);
  const scoped = path[path.length - 1]!;
  return new ModuleRegistryError(
    "MODULE_CAPTIVE_DEPENDENCY",
    `${node.def.scope} module "${node.id}" would hold on to scoped module "${scoped}" ` +
      `(${found.deferred ? "through a Lazy/Factory" : "a build edge"}): ${formatPath(path)}. ` +
      `A scoped module lives as long as one scope; make "${node.id}" scoped too, or pass the scope to its methods and call scope.get() there.`,
    { moduleId: node.id, path },
  );
}

/** Build-edge adjacency over `nodes` (indices into that array). */
export function buildAdjacency(nodes: readonly ModuleNode[]): number[][] {
  for (let n = 0; n < nodes.length; n++) nodes[n]!.position = n;
  const adjacency: number[][] = new Array<number[]>(nodes.length);
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]!;
    const edges: number[] = [];
    const { deps } = node.def;
    for (let i = 0; i < deps.length; i++) {
      if (!isBuildEdge(deps[i]!)) continue;
      const targets = node.targets[i]!;
      for (let t = 0; t < targets.length; t++) {
        const target = targets[t]!;
        if (nodes[target.position] === target) edges.push(target.position);
      }
    }
    adjacency[n] = edges;
  }
  return adjacency;
}

/** Problems with the edges of the active nodes among `nodes` that `owner` owns. */
export function edgeProblems(
  registry: Registry,
  nodes: readonly ModuleNode[],
  owner: object,
): ModuleRegistryError[] {
  const problems: ModuleRegistryError[] = [];
  // a container without scoped modules (most) pays nothing for the captive search
  const scoped = registry.nodes.some((node) => node.active && node.def.scope === "scoped");
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]!;
    if (!node.active || node.owner !== owner) continue;
    for (let i = 0; i < node.def.deps.length; i++) {
      const problem = checkEdge(registry, node, i);
      if (problem) problems.push(problem);
    }
    const captive = scoped ? captiveProblem(node) : undefined;
    if (captive) problems.push(captive);
  }
  return problems;
}

/** The order of `active` nodes (dependencies first), or the error naming a cycle among them. */
export function orderOrCycle(active: readonly ModuleNode[]): ModuleNode[] | ModuleRegistryError {
  const result = topologicalOrder(buildAdjacency(active));
  if (result.cycle === undefined) return result.order.map((i) => active[i]!);
  const path = result.cycle.map((i) => active[i]!.id);
  return new ModuleRegistryError(
    "MODULE_CIRCULAR_DEPENDENCY",
    `modules depend on each other in a cycle: ${formatPath(path)}. Break it by injecting one side as \`Lazy<T>\` or \`Factory<T>\`.`,
    { moduleId: path[0]!, path },
  );
}

/** Throws the first problem, with every problem in `errors`; does nothing when there is none. */
export function throwProblems(problems: readonly ModuleRegistryError[]): void {
  const [first, ...rest] = problems;
  if (first === undefined) return;
  if (rest.length === 0) throw first;
  throw new ModuleRegistryError(
    first.code,
    `${first.message.slice(first.code.length + 2)}\n(and ${rest.length} more: ${rest.map((p) => p.message).join("; ")})`,
    {
      ...(first.moduleId !== undefined && { moduleId: first.moduleId }),
      ...(first.path && { path: first.path }),
      errors: problems,
    },
  );
}

/**
 * Validates the active nodes a container owns, then orders every active node (dependencies
 * first, ties by id). Throws the first problem, with every problem in `errors`.
 *
 * @param sorted all nodes of the container, sorted by id
 * @param planned the order the codegen computed (indices into `registry.nodes`): used when
 *   it is an order of these nodes (see `plannedOrder`), instead of computing one
 */
export function validateAndOrder(
  registry: Registry,
  sorted: readonly ModuleNode[],
  owner: object,
  planned?: ArrayLike<number>,
): ModuleNode[] {
  const problems = edgeProblems(registry, sorted, owner);
  const order =
    (planned === undefined ? undefined : plannedOrder(registry.nodes, planned)) ??
    orderOrCycle(sorted.filter((node) => node.active));
  if (!Array.isArray(order)) problems.push(order);
  throwProblems(problems);
  return order as ModuleNode[];
}
