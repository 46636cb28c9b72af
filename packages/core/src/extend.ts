/**
 * Runtime registration: how the registry of a running container grows (`load`/`register`
 * after `start()`) and shrinks (`unload`). Nodes already linked are never relinked and
 * instances already built are never touched: a change is validated against the running
 * graph first and refused whole when it would disturb anything.
 */
import { duplicateClassError } from "./duplicates.js";
import { ModuleRegistryError } from "./errors.js";
import { interfaceName } from "./keys.js";
import { type Definition, ModuleNode } from "./node.js";
import { choosePrimary } from "./primary.js";
import { type ActivationContext, Registry, unmetCondition } from "./registry.js";
import { edgeProblems, orderOrCycle, throwProblems } from "./validate.js";

/** Why a module is inactive in a container; `undefined` when it is active. */
export function inactiveReason(
  def: Definition,
  activation: ActivationContext,
  root: boolean,
): string | undefined {
  if (def.tenant && root) {
    return "it is a tenant module: only a tenant's container builds it (enable it for a tenant with @modreg/tenants)";
  }
  return def.internal ? undefined : unmetCondition(def.when, activation);
}

/** Decides whether `node` is active in its container. */
export function activate(node: ModuleNode, activation: ActivationContext, root: boolean): void {
  const reason = inactiveReason(node.def, activation, root);
  node.active = reason === undefined;
  node.inactiveReason = reason ?? "";
  if (!node.active) node.state = "inactive";
}

/** Fresh nodes for `defs`, owned by `owner`, their activation decided. */
export function nodesFor(
  defs: readonly Definition[],
  owner: object,
  activation: ActivationContext,
  root: boolean,
): ModuleNode[] {
  return defs.map((def) => {
    const node = new ModuleNode(def, owner);
    activate(node, activation, root);
    return node;
  });
}

/** Builds the error for two modules with one id (the container knows where each came from). */
export type DuplicateError = (id: string, existing: ModuleNode, added: ModuleNode) => ModuleRegistryError;

/**
 * `nodes` with `added` placed: a new id is appended; an id held by an inactive module of an
 * ancestor (such as a tenant module's template) is shadowed by the added node; any other
 * repeated id, or a class that is already another module, is a duplicate.
 */
export function placeNodes(
  nodes: readonly ModuleNode[],
  added: readonly ModuleNode[],
  owner: object,
  duplicate: DuplicateError,
): ModuleNode[] {
  const result = [...nodes];
  const byId = new Map(result.map((node, i) => [node.id, i]));
  const byClass = new Map(result.filter((n) => !n.def.internal).map((n) => [n.def.handle, n]));
  for (const node of added) {
    const at = byId.get(node.id);
    const existing = at === undefined ? undefined : result[at]!;
    if (existing !== undefined && (existing.active || existing.owner === owner)) {
      throw duplicate(node.id, existing, node);
    }
    const sameClass = byClass.get(node.def.handle);
    if (sameClass !== undefined && sameClass !== existing) {
      throw duplicateClassError(sameClass.def, node.def);
    }
    if (at === undefined) byId.set(node.id, result.push(node) - 1);
    else result[at] = node;
    byClass.set(node.def.handle, node);
  }
  return result;
}

/**
 * The registry of a running container after adding `added`. With `link`, the added nodes
 * are this container's own: they are linked and their edges checked (missing, ambiguous,
 * version ranges, cycles among them). Either way, a single-valued dependency of a node the
 * container already linked must not become ambiguous. Throws without changing anything.
 */
export function extendRegistry(
  registry: Registry,
  added: readonly ModuleNode[],
  owner: object,
  link: boolean,
  duplicate: DuplicateError,
): Registry {
  const next = new Registry(placeNodes(registry.nodes, added, owner, duplicate), registry.replacedKeys);
  const problems: ModuleRegistryError[] = [];
  if (link) {
    next.link(added);
    problems.push(...edgeProblems(next, added, owner));
    const order = orderOrCycle(added.filter((node) => node.active));
    if (!Array.isArray(order)) problems.push(order);
  }
  const newKeys = new Set(added.filter((n) => n.active).flatMap((n) => n.def.provides));
  for (const node of registry.nodes) {
    if (node.owner !== owner || !node.active || newKeys.size === 0) continue;
    node.def.deps.forEach((dep, i) => {
      if (dep.iface === undefined || dep.multi || !newKeys.has(dep.iface)) return;
      const before = node.targets[i] ?? [];
      const now = choosePrimary(next.providers.get(dep.iface) ?? []);
      if (before.length === 0 || (now.length === 1 && now[0] === before[0])) return;
      const change =
        now.length === 1
          ? `would put the primary "${now[0]!.id}" in its place`
          : `would make it one of ${now.length}: ${now.map((p) => `"${p.id}"`).join(", ")}`;
      problems.push(
        new ModuleRegistryError(
          "MODULE_AMBIGUOUS_PROVIDER",
          `module "${node.id}" uses "${before[0]!.id}" for interface ${interfaceName(dep.iface)}, and the modules being added ${change}. ` +
            "Give the new provider a `when` condition, or load it in a child container.",
          { moduleId: node.id, modules: now.map((p) => p.id), key: dep.iface },
        ),
      );
    });
  }
  throwProblems(problems);
  return next;
}

/** What `unload` removes, and the registry without it. */
export interface UnloadPlan {
  /** The nodes taken out, as they were. */
  readonly removed: readonly ModuleNode[];
  readonly next: Registry;
}

/**
 * Plans taking `ids` out of a running container. Only the container's own modules can be
 * unloaded, and only together with every module that has an edge to them (the container's
 * own, or in `descendants`): a built dependent would keep a disposed instance. A shadowed
 * module of the parent (`restore`) comes back in place of the removed one.
 */
export function planUnload(
  registry: Registry,
  ids: readonly string[],
  owner: object,
  restore: (id: string) => ModuleNode | undefined,
  descendants: readonly Registry[],
): UnloadPlan {
  const removed = new Set<ModuleNode>();
  for (const id of ids) {
    const node = typeof id === "string" ? registry.byId.get(id) : undefined;
    if (node === undefined || node.def.internal) {
      throw new ModuleRegistryError(
        "MODULE_NOT_FOUND",
        `unload(): no module "${String(id)}" in this container. Check the id.`,
      );
    }
    if (node.owner !== owner) {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        `unload(): module "${id}" belongs to a parent container; a container unloads only the modules it loaded or registered itself.`,
        { moduleId: id },
      );
    }
    removed.add(node);
  }
  const holders = new Set<string>();
  const defs = new Set([...removed].map((n) => n.def));
  for (const held of [registry, ...descendants]) {
    for (const node of held.nodes) {
      if (removed.has(node)) continue;
      // a descendant's own copy of a removed module (rebuilt for its overrides) holds it too
      const copy = defs.has(node.def) && held !== registry;
      if (copy || node.targets.some((targets) => targets.some((t) => removed.has(t)))) holders.add(node.id);
    }
  }
  if (holders.size > 0) {
    const list = [...holders].sort();
    throw new ModuleRegistryError(
      "MODULE_IN_USE",
      `cannot unload ${[...removed].map((n) => `"${n.id}"`).join(", ")}: ${list.map((h) => `"${h}"`).join(", ")} ${list.length > 1 ? "depend" : "depends"} on it. ` +
        "Unload the dependents in the same call (and load them again to rebuild them without it).",
      { moduleId: [...removed][0]!.id, modules: list },
    );
  }
  const nodes: ModuleNode[] = [];
  for (const node of registry.nodes) {
    if (!removed.has(node)) nodes.push(node);
    else {
      const shadowed = restore(node.id);
      if (shadowed !== undefined) nodes.push(shadowed);
    }
  }
  return { removed: [...removed], next: new Registry(nodes, registry.replacedKeys) };
}
