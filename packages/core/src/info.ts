import { checkTraversal } from "./arguments.js";
import type {
  ContainerGraph,
  ContainerStats,
  DependencyInfo,
  DiscoverQuery,
  ModuleInfo,
} from "./container-types.js";
import { ModuleRegistryError, formatPath } from "./errors.js";
import { DependencyGraph, type TraversalOptions, topologicalOrder } from "./graph.js";
import type { ModuleNode } from "./node.js";
import { type Registry, isBuildEdge } from "./registry.js";
import { buildAdjacency } from "./validate.js";

/** The public view of a node. */
export function infoOf(node: ModuleNode): ModuleInfo {
  const { def } = node;
  const dependencies: DependencyInfo[] = def.deps.map((dep, i) => ({
    ...(dep.id !== undefined ? { id: dep.id } : dep.cls !== undefined ? { id: dep.cls.name } : {}),
    ...(dep.iface !== undefined && { iface: dep.iface }),
    ...(dep.range !== undefined && { range: dep.range }),
    optional: dep.optional === true,
    multi: dep.multi === true,
    inject: dep.inject ?? "value",
    deferred: !isBuildEdge(dep),
    ...(dep.param !== undefined && { param: dep.param }),
    resolved: (node.targets[i] ?? []).map((t) => t.id),
  }));
  return {
    id: node.id,
    kind: def.provider === undefined ? "class" : "provider",
    version: def.version,
    scope: def.scope,
    capabilities: def.capabilities,
    provides: def.provides,
    dependencies,
    active: node.active,
    ...(!node.active && { inactiveReason: node.inactiveReason }),
    state: node.state,
    ...(node.error !== undefined && { error: node.error }),
    metadata: def.metadata,
    tenant: def.tenant,
    ...(def.source !== undefined && { source: def.source }),
  };
}

/** Active nodes with every required capability, most optional capabilities first, then by id. */
export function discover(registry: Registry, query: DiscoverQuery): ModuleNode[] {
  const required = query.capabilities ?? [];
  const optional = query.optional ?? [];
  const score = (node: ModuleNode): number =>
    optional.filter((c) => node.def.capabilities.includes(c)).length;
  return registry.sorted
    .filter(
      (node) => node.active && !node.def.internal && required.every((c) => node.def.capabilities.includes(c)),
    )
    .map((node) => ({ node, score: score(node) }))
    .sort((a, b) => b.score - a.score)
    .map(({ node }) => node);
}

/** Internal nodes (token overrides) are left out: their ids are descriptions, not names. */
const visible = (node: ModuleNode): boolean => node.active && !node.def.internal;

/**
 * `container.graph`: computed from the current registry on each call, over active modules.
 * Methods on a prototype, not closures: every container (each tenant's too) has one.
 */
class GraphView implements ContainerGraph {
  constructor(private readonly registry: () => Registry) {}

  loadOrder(): string[] {
    const { nodes, result } = this.order();
    if (result.cycle) {
      const path = result.cycle.map((i) => nodes[i]!.id);
      throw new ModuleRegistryError(
        "MODULE_CIRCULAR_DEPENDENCY",
        `no load order: ${formatPath(path)} is a cycle.`,
        {
          moduleId: path[0]!,
          path,
        },
      );
    }
    return result.order.map((i) => nodes[i]!.id);
  }

  findCycle(): string[] | undefined {
    const { nodes, result } = this.order();
    return result.cycle?.map((i) => nodes[i]!.id);
  }

  dependenciesOf(id: string, options?: TraversalOptions): string[] {
    checkTraversal("dependenciesOf", id, options);
    return this.allEdges().dependenciesOf(id, options);
  }

  dependentsOf(id: string, options?: TraversalOptions): string[] {
    checkTraversal("dependentsOf", id, options);
    return this.allEdges().dependentsOf(id, options);
  }

  private activeNodes(): ModuleNode[] {
    return this.registry().sorted.filter(visible);
  }

  private allEdges(): DependencyGraph {
    return new DependencyGraph(
      this.activeNodes().map((node) => [
        node.id,
        node.targets
          .flat()
          .filter(visible)
          .map((t) => t.id),
      ]),
    );
  }

  private order(): { nodes: ModuleNode[]; result: ReturnType<typeof topologicalOrder> } {
    const nodes = this.activeNodes();
    return { nodes, result: topologicalOrder(buildAdjacency(nodes)) };
  }
}

export function createGraphView(registry: () => Registry): ContainerGraph {
  return new GraphView(registry);
}

/** `container.stats()`: counts over the modules `owner` builds; per-module times when `built` is given. */
export function statsOf(
  registry: Registry,
  owner: object,
  startMs: number,
  built: readonly ModuleNode[] | undefined,
): ContainerStats {
  const nodes = registry.sorted.filter((n) => n.owner === owner && !n.def.internal);
  const count = (state: string): number => nodes.filter((n) => n.state === state).length;
  return {
    modules: nodes.length,
    active: nodes.filter((n) => n.active).length,
    ready: count("ready"),
    failed: count("failed"),
    skipped: count("skipped"),
    disposed: count("disposed"),
    startMs,
    ...(built && { timings: built.map((n) => ({ id: n.id, buildMs: n.buildMs, initMs: n.initMs })) }),
  };
}
