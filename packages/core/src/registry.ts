import { interfaceName } from "./keys.js";
import type { ContainerOptions } from "./container-types.js";
import { describeKey } from "./definitions.js";
import { ModuleRegistryError } from "./errors.js";
import { compareIds } from "./graph.js";
import { isToken } from "./tokens.js";
import type { ModuleKey } from "./types.js";
import type { ConditionRecord } from "./manifest.js";
import type { InternalDep, ModuleHandle, ModuleNode } from "./node.js";
import { ambiguityText, choosePrimary } from "./primary.js";

/** What conditions are matched against. */
export interface ActivationContext {
  readonly env: string | undefined;
  readonly features: ReadonlySet<string>;
}

/** The activation context of `createContainer`'s options. */
export function activationOf(options: ContainerOptions): ActivationContext {
  const { env, features } = options;
  if (env !== undefined && typeof env !== "string") {
    throw new ModuleRegistryError(
      "MODULE_INVALID_OPTIONS",
      `createContainer: env must be a string, got ${typeof env}.`,
    );
  }
  const on = Array.isArray(features)
    ? (features as readonly string[])
    : Object.entries(features ?? {})
        .filter(([, enabled]) => enabled === true)
        .map(([name]) => name);
  return { env, features: new Set(on) };
}

/** Why a condition does not hold, or `undefined` when it does. */
export function unmetCondition(
  when: ConditionRecord | undefined,
  context: ActivationContext,
): string | undefined {
  if (when === undefined) return undefined;
  const { env, feature } = when;
  if (env !== undefined && env.length > 0 && (context.env === undefined || !env.includes(context.env))) {
    const wanted = env.map((e) => `"${e}"`).join(" or ");
    return `when.env is ${wanted} but the container's env is ${context.env === undefined ? "not set" : `"${context.env}"`}`;
  }
  const off = (feature ?? []).filter((f) => !context.features.has(f));
  if (off.length > 0)
    return `feature ${off.map((f) => `"${f}"`).join(", ")} ${off.length > 1 ? "are" : "is"} off`;
  return undefined;
}

/** A registry's lookup by id or by handle. */
export interface Lookup<K> {
  get(key: K): ModuleNode | undefined;
  has(key: K): boolean;
}

/**
 * A registry's lookup tables as positions among its nodes: what every registry made of the
 * same definitions, in the same order and under the same activation, shares (boot-plan.ts),
 * instead of filling maps of thousands of entries per container.
 */
export interface RegistryIndex {
  readonly byId: ReadonlyMap<string, number>;
  readonly byHandle: ReadonlyMap<ModuleHandle, number>;
  readonly providers: ReadonlyMap<string, readonly number[]>;
  readonly allProviders: ReadonlyMap<string, readonly number[]>;
  /** Positions sorted by id; `undefined` when the nodes are in id order already. */
  readonly sorted: readonly number[] | undefined;
}

class IndexedLookup<K> implements Lookup<K> {
  constructor(
    private readonly index: ReadonlyMap<K, number>,
    private readonly nodes: readonly ModuleNode[],
  ) {}

  get(key: K): ModuleNode | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.nodes[i];
  }

  has(key: K): boolean {
    return this.index.has(key);
  }
}

/**
 * The nodes of one container with their lookup tables: by id, by class or provider, and the active
 * providers of each interface key (sorted by id).
 */
export class Registry {
  readonly byId: Lookup<string>;
  /** By class, or by provider object. */
  readonly byHandle: Lookup<ModuleHandle>;
  /** Active providers per interface key, sorted by id. */
  readonly providers = new Map<string, ModuleNode[]>();
  /** Every provider, active or not, for messages. */
  readonly allProviders = new Map<string, ModuleNode[]>();
  /** Nodes sorted by id. */
  readonly sorted: readonly ModuleNode[];
  /** What the scopes of this registry share (scope-host.ts), made by the first `scope()`. */
  scopeHost: object | undefined = undefined;
  /** Position of each id and handle among the nodes, behind `byId` and `byHandle`. */
  private readonly positions: Pick<RegistryIndex, "byId" | "byHandle">;

  constructor(
    readonly nodes: readonly ModuleNode[],
    /** Interface keys whose providers an override replaced: key -> the override's node. */
    readonly replacedKeys: ReadonlyMap<string, ModuleNode> = new Map(),
    /** The tables, known from an earlier registry of the same definitions (see {@link RegistryIndex}). */
    index?: RegistryIndex,
  ) {
    if (index !== undefined) {
      this.positions = index;
      this.byId = new IndexedLookup(index.byId, nodes);
      this.byHandle = new IndexedLookup(index.byHandle, nodes);
      const at = (i: number): ModuleNode => nodes[i]!;
      for (const [key, list] of index.providers) this.providers.set(key, list.map(at));
      for (const [key, list] of index.allProviders) this.allProviders.set(key, list.map(at));
      this.sorted = index.sorted === undefined ? nodes : index.sorted.map(at);
      return;
    }
    // positions, so the first registry of a boot plan hands its own tables on (`index`)
    const byId = new Map<string, number>();
    const byHandle = new Map<ModuleHandle, number>();
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (!node.def.internal) {
        byId.set(node.id, i);
        byHandle.set(node.def.handle, i);
      }
      const { provides } = node.def;
      for (let k = 0; k < provides.length; k++) {
        const key = provides[k]!;
        const replacement = replacedKeys.get(key);
        if (replacement !== undefined && replacement !== node) continue;
        push(this.allProviders, key, node);
        if (node.active) push(this.providers, key, node);
      }
    }
    this.positions = { byId, byHandle };
    this.byId = new IndexedLookup(byId, nodes);
    this.byHandle = new IndexedLookup(byHandle, nodes);
    this.sorted = [...nodes].sort((a, b) => compareIds(a.id, b.id));
    for (const list of this.providers.values()) list.sort((a, b) => compareIds(a.id, b.id));
    for (const list of this.allProviders.values()) list.sort((a, b) => compareIds(a.id, b.id));
  }

  /**
   * This registry's tables as positions among its nodes, for registries of the same
   * definitions; `at` is a node's position.
   */
  index(at: (node: ModuleNode) => number): RegistryIndex {
    const positions = (map: ReadonlyMap<string, readonly ModuleNode[]>): Map<string, number[]> =>
      new Map([...map].map(([key, list]) => [key, list.map(at)]));
    const sorted = this.sorted.map(at);
    return {
      ...this.positions,
      providers: positions(this.providers),
      allProviders: positions(this.allProviders),
      sorted: sorted.every((p, i) => p === i) ? undefined : sorted,
    };
  }

  /** The node a dependency names by id or class, active or not. */
  named(dep: InternalDep): ModuleNode | undefined {
    if (dep.cls !== undefined) return this.byHandle.get(dep.cls);
    return dep.id === undefined ? undefined : this.byId.get(dep.id);
  }

  /** Active nodes a dependency can resolve to, sorted by id; a single-valued one prefers its primary. */
  targetsOf(dep: InternalDep): readonly ModuleNode[] {
    if (dep.inject === "resolver") return NO_NODES;
    if (dep.iface !== undefined) {
      const providers = this.providers.get(dep.iface) ?? NO_NODES;
      return dep.multi ? providers : choosePrimary(providers);
    }
    const node = this.named(dep);
    return node?.active ? node.asTarget : NO_NODES;
  }

  /** The active node a key names; throws `MODULE_NOT_FOUND` or `MODULE_AMBIGUOUS_PROVIDER`. */
  find(key: ModuleKey): ModuleNode {
    if (isToken(key)) {
      const providers = choosePrimary(this.providers.get(key.key) ?? []);
      if (providers.length === 1) return providers[0]!;
      if (providers.length > 1) {
        throw new ModuleRegistryError(
          "MODULE_AMBIGUOUS_PROVIDER",
          `${ambiguityText(providers)} provide ${interfaceName(key.key)}: ${providers.map((p) => `"${p.id}"`).join(", ")}. Get one by id, mark one \`primary: true\`, or use getAll().`,
          { key: key.key },
        );
      }
      const inactive = this.allProviders.get(key.key) ?? [];
      const why =
        inactive.length > 0
          ? `; inactive: ${inactive.map((p) => `"${p.id}" (${p.inactiveReason})`).join(", ")}`
          : "";
      throw new ModuleRegistryError(
        "MODULE_NOT_FOUND",
        `no active module provides ${interfaceName(key.key)}${why}.`,
        { key: key.key },
      );
    }
    const node = typeof key === "string" ? this.byId.get(key) : this.byHandle.get(key);
    if (node === undefined) {
      const hint =
        typeof key === "function"
          ? " Decorate it with @Module and run `modreg generate`, or register() it."
          : " Check the id, or run `modreg generate` if the manifest is stale.";
      throw new ModuleRegistryError("MODULE_NOT_FOUND", `no module for ${describeKey(key)}.${hint}`);
    }
    if (!node.active) {
      throw new ModuleRegistryError(
        "MODULE_NOT_FOUND",
        `module "${node.id}" is inactive: ${node.inactiveReason}.`,
        { moduleId: node.id },
      );
    }
    return node;
  }

  /** Computes `targets` for the given nodes (those this container owns). */
  link(owned: readonly ModuleNode[]): void {
    for (let n = 0; n < owned.length; n++) {
      const node = owned[n]!;
      const { deps } = node.def;
      const targets: (readonly ModuleNode[])[] = new Array<readonly ModuleNode[]>(deps.length);
      for (let i = 0; i < deps.length; i++) targets[i] = this.targetsOf(deps[i]!);
      node.targets = targets;
    }
  }
}

const NO_NODES: readonly ModuleNode[] = Object.freeze([]);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A build edge is built first and part of cycle detection; `Lazy`/`Factory`/`Resolver` edges are not. */
export function isBuildEdge(dep: InternalDep): boolean {
  const { inject } = dep;
  return inject === undefined || (inject !== "lazy" && inject !== "factory" && inject !== "resolver");
}

/** How a dependency reads in a message: `"config"`, `interface Logger` (its short name), with its parameter. */
export function describeDep(dep: InternalDep): string {
  const target =
    dep.iface !== undefined ? `interface ${interfaceName(dep.iface)}` : `"${dep.id ?? dep.cls?.name ?? "?"}"`;
  const range = dep.range !== undefined ? ` (version ${dep.range})` : "";
  const param = dep.param !== undefined ? ` for parameter "${dep.param}"` : "";
  return `${target}${range}${param}`;
}
