/**
 * The catalogue of tenant modules: the `tenant: true` records of the app's manifests, and
 * the package-manager questions asked about them (what does enabling need, what depends on
 * this, in which order). Pure queries over records; the graph algorithms are core's.
 */
import {
  type Container,
  DependencyGraph,
  type Manifest,
  type ModuleRecord,
  ModuleRegistryError,
  TENANT_CONTEXT_KEY,
  compareIds,
  formatPath,
  satisfiesRange,
} from "@modreg/core";

/** An edge from a tenant module to other tenant modules (several: any one of them will do). */
interface TenantEdge {
  readonly to: readonly string[];
  readonly optional: boolean;
  readonly range: string | undefined;
  /** Built first (not a `Lazy`/`Factory` edge): only these can form a cycle. */
  readonly build: boolean;
}

interface Entry {
  readonly record: ModuleRecord;
  /** Index of the app manifest it comes from. */
  readonly source: number;
  readonly edges: readonly TenantEdge[];
  /** Shared modules it uses (always there: the app's container has them). */
  readonly shared: readonly string[];
  /** Dependencies nothing provides: neither a shared module nor a tenant module. */
  readonly unknown: readonly string[];
}

/** `canEnable(id, enabled)`. */
export interface CanEnable {
  readonly canEnable: boolean;
  /** Required tenant modules not enabled (transitively), in load order: what `withDependencies` adds. */
  readonly missing: readonly string[];
  /** Optional tenant dependencies not enabled: it works without them. */
  readonly optionalMissing: readonly string[];
  /** Enabled (or required) modules whose version is outside the range asked for. */
  readonly versionConflicts: readonly {
    readonly id: string;
    readonly range: string;
    readonly version: string;
  }[];
  /** A dependency cycle enabling it would close, as `["a", "b", "a"]`. */
  readonly cycle?: readonly string[];
  /** Dependencies no module provides at all (the catalogue itself is incomplete). */
  readonly unavailable: readonly string[];
}

/** `canDisable(id, enabled)`. */
export interface CanDisable {
  readonly canDisable: boolean;
  /** Enabled modules that require it, directly or through others: what `withDependents` disables too. */
  readonly dependents: readonly string[];
}

/** `dependencyTree(id)`: a module and what it needs, recursively. */
export interface DependencyTree {
  readonly id: string;
  readonly version: string;
  /** `false` for a shared module of the app (a leaf here). */
  readonly tenant: boolean;
  readonly optional: boolean;
  readonly range?: string;
  readonly dependencies: readonly DependencyTree[];
  /** Already shown higher up this branch: a cycle, not expanded again. */
  readonly circular?: true;
}

/** How many distinct module lists `manifestOf` keeps (plans, plus one-off lists of enables). */
const SHARED_MANIFESTS = 256;

export class Catalog {
  private readonly entries = new Map<string, Entry>();
  private readonly sharedVersions = new Map<string, string>();
  /** `manifestOf` by module list, the oldest dropped past `SHARED_MANIFESTS`. */
  private readonly manifests = new Map<string, Manifest>();

  /** Which app manifests the codegen validated (version ranges between their own modules checked). */
  private readonly validated: readonly boolean[];

  constructor(manifests: readonly Manifest[], shared: ReturnType<Container["modules"]>) {
    this.validated = manifests.map((m) => m.validated === true);
    const sources = new Map<ModuleRecord, number>();
    manifests.forEach((m, i) => {
      for (const r of m.modules) if (r.tenant === true) sources.set(r, i);
    });
    const records = [...sources.keys()];
    const sharedProviders = new Set<string>();
    for (const info of shared) {
      if (info.tenant || !info.active) continue;
      this.sharedVersions.set(info.id, info.version);
      for (const key of info.provides) sharedProviders.add(key);
    }
    const tenantIds = new Set(records.map((r) => r.id));
    const providers = new Map<string, string[]>();
    for (const r of records) {
      for (const key of r.provides ?? []) providers.set(key, [...(providers.get(key) ?? []), r.id]);
    }
    for (const record of records) {
      const edges: TenantEdge[] = [];
      const sharedDeps: string[] = [];
      const unknown: string[] = [];
      for (const dep of record.deps ?? []) {
        const optional = dep.optional === true || dep.multi === true;
        const build = dep.inject !== "lazy" && dep.inject !== "factory";
        if (dep.iface === TENANT_CONTEXT_KEY) continue;
        if (dep.id !== undefined) {
          if (tenantIds.has(dep.id)) edges.push({ to: [dep.id], optional, range: dep.range, build });
          else if (this.sharedVersions.has(dep.id)) sharedDeps.push(dep.id);
          else if (!optional) unknown.push(dep.id);
          continue;
        }
        if (dep.iface === undefined) continue;
        if (sharedProviders.has(dep.iface) && dep.multi !== true) continue;
        const candidates = (providers.get(dep.iface) ?? []).filter((id) => id !== record.id).sort(compareIds);
        if (candidates.length > 0) edges.push({ to: candidates, optional, range: dep.range, build });
        else if (!optional && !sharedProviders.has(dep.iface)) unknown.push(dep.iface);
      }
      this.entries.set(record.id, {
        record,
        source: sources.get(record) ?? -1,
        edges,
        shared: sharedDeps,
        unknown,
      });
    }
  }

  /** Every tenant module id, sorted. */
  ids(): string[] {
    return [...this.entries.keys()].sort(compareIds);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  record(id: string): ModuleRecord {
    return this.entry(id).record;
  }

  /**
   * A manifest of these modules for a tenant's container. It keeps `validated` when they all
   * come from one manifest the codegen validated, so the container skips the version ranges
   * the codegen already checked between them (it still checks every other edge).
   */
  manifestOf(ids: readonly string[]): Manifest {
    // Tenants with the same modules (one plan) share one manifest, so the containers share
    // what core derives from it instead of a copy per tenant.
    const key = ids.join("\n");
    const known = this.manifests.get(key);
    if (known !== undefined) return known;
    const entries = ids.map((id) => this.entry(id));
    const source = entries[0]?.source ?? -1;
    const validated = this.validated[source] === true && entries.every((e) => e.source === source);
    const manifest: Manifest = {
      formatVersion: 1,
      modules: entries.map((e) => e.record),
      ...(validated && { validated }),
    };
    if (this.manifests.size >= SHARED_MANIFESTS) this.manifests.delete(this.manifests.keys().next().value!);
    this.manifests.set(key, manifest);
    return manifest;
  }

  /** The entry of a tenant module; `MODULE_NOT_FOUND` naming the tenant modules there are. */
  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (entry !== undefined) return entry;
    const shared = this.sharedVersions.has(id) ? ` "${id}" is a shared module: it is always there.` : "";
    throw new ModuleRegistryError(
      "MODULE_NOT_FOUND",
      `no tenant module "${id}".${shared} Tenant modules: ${this.ids().join(", ") || "(none)"}.`,
      { moduleId: id },
    );
  }

  canEnable(id: string, enabled: Iterable<string>): CanEnable {
    const on = new Set(enabled);
    const root = this.entry(id);
    const missing: string[] = [];
    const unavailable = new Set<string>();
    const seen = new Set<string>([id]);
    const stack = [root];
    while (stack.length > 0) {
      const entry = stack.pop()!;
      for (const u of entry.unknown) unavailable.add(u);
      for (const edge of entry.edges) {
        if (edge.optional || edge.to.some((to) => on.has(to) || seen.has(to))) continue;
        const pick = edge.to[0]!;
        seen.add(pick);
        missing.push(pick);
        stack.push(this.entry(pick));
      }
    }
    const optionalMissing = root.edges
      .filter((e) => e.optional && !e.to.some((to) => on.has(to)))
      .flatMap((e) => e.to);
    const planned = new Set([...on, ...seen]);
    const versionConflicts = [...seen].flatMap((from) =>
      this.entry(from).edges.flatMap((edge) =>
        edge.range === undefined
          ? []
          : edge.to
              .filter((to) => planned.has(to))
              .map((to) => ({
                id: to,
                range: edge.range!,
                version: this.entry(to).record.version ?? "0.0.0",
              }))
              .filter((c) => satisfiesRange(c.version, c.range) !== true),
      ),
    );
    const cycle = this.graph([...planned]).findCycle();
    const ordered = cycle ? [...missing].sort(compareIds) : this.order(missing);
    return {
      canEnable: missing.length === 0 && versionConflicts.length === 0 && !cycle && unavailable.size === 0,
      missing: ordered,
      optionalMissing: [...new Set(optionalMissing)].sort(compareIds),
      versionConflicts,
      ...(cycle && { cycle }),
      unavailable: [...unavailable].sort(compareIds),
    };
  }

  canDisable(id: string, enabled: Iterable<string>): CanDisable {
    this.entry(id);
    const on = [...enabled].filter((m) => this.entries.has(m));
    const gone = new Set([id]);
    // an enabled module loses a requirement when every candidate of a required edge is gone
    for (let changed = true; changed;) {
      changed = false;
      for (const m of on) {
        if (gone.has(m)) continue;
        const broken = this.entry(m).edges.some(
          (e) =>
            !e.optional &&
            e.to.some((to) => gone.has(to)) &&
            e.to.every((to) => gone.has(to) || !on.includes(to)),
        );
        if (broken) {
          gone.add(m);
          changed = true;
        }
      }
    }
    gone.delete(id);
    const dependents = [...gone].sort(compareIds);
    return { canDisable: dependents.length === 0, dependents };
  }

  /** Enabled modules with an optional (or array) edge to one of `ids`: rebuilt when those come or go. */
  optionalDependents(ids: ReadonlySet<string>, among: Iterable<string>): string[] {
    return [...among].filter(
      (m) =>
        !ids.has(m) && this.entries.get(m)?.edges.some((e) => e.optional && e.to.some((to) => ids.has(to))),
    );
  }

  /** Modules among `among` that need one of `ids` through any edge, transitively (what rebuilding `ids` rebuilds). */
  dependentsWithin(ids: ReadonlySet<string>, among: Iterable<string>): string[] {
    const list = [...among];
    const found = new Set(ids);
    for (let changed = true; changed;) {
      changed = false;
      for (const m of list) {
        if (found.has(m) || !this.entries.get(m)?.edges.some((e) => e.to.some((to) => found.has(to))))
          continue;
        found.add(m);
        changed = true;
      }
    }
    return list.filter((m) => found.has(m) && !ids.has(m));
  }

  dependencyTree(id: string): DependencyTree {
    return this.tree(id, false, undefined, new Set());
  }

  private tree(id: string, optional: boolean, range: string | undefined, path: Set<string>): DependencyTree {
    const base = { id, optional, ...(range !== undefined && { range }) };
    const entry = this.entries.get(id);
    if (entry === undefined) {
      return { ...base, version: this.sharedVersions.get(id) ?? "0.0.0", tenant: false, dependencies: [] };
    }
    const version = entry.record.version ?? "0.0.0";
    if (path.has(id)) return { ...base, version, tenant: true, dependencies: [], circular: true };
    const inner = new Set(path).add(id);
    const dependencies = [
      ...entry.edges.flatMap((e) => e.to.map((to) => this.tree(to, e.optional, e.range, inner))),
      ...entry.shared.map((s) => this.tree(s, false, undefined, inner)),
    ].sort((a, b) => compareIds(a.id, b.id));
    return { ...base, version, tenant: true, dependencies };
  }

  /** `ids` with their dependencies first, ties by id; `MODULE_CIRCULAR_DEPENDENCY` with the path on a cycle. */
  loadOrder(ids: Iterable<string>): string[] {
    const list = [...new Set(ids)];
    for (const id of list) this.entry(id);
    return this.order(list);
  }

  private order(ids: readonly string[]): string[] {
    const graph = this.graph(ids);
    const cycle = graph.findCycle();
    if (cycle !== undefined) {
      throw new ModuleRegistryError(
        "MODULE_CIRCULAR_DEPENDENCY",
        `tenant modules depend on each other in a cycle: ${formatPath(cycle)}. Break it with a Lazy<T> edge.`,
        { path: cycle },
      );
    }
    return graph.loadOrder();
  }

  private graph(ids: readonly string[]): DependencyGraph {
    return new DependencyGraph(
      ids.map(
        (id) =>
          [id, (this.entries.get(id)?.edges ?? []).filter((e) => e.build).flatMap((e) => e.to)] as const,
      ),
    );
  }
}
