/**
 * What one container knows of its modules: the definitions it loaded or registered, the
 * registry linked from them (and its parent's), and how that registry grows (`load` or
 * `register` after `start()`) and shrinks (`unload`) while the container runs. The
 * algorithms are in extend.ts and children.ts; this is the bookkeeping around them.
 */
import { planFor, rememberPlan, replayPlan } from "./boot-plan.js";
import { childRegistry } from "./children.js";
import { duplicateClassError, duplicateIdError } from "./duplicates.js";
import { activate, extendRegistry, nodesFor, planUnload } from "./extend.js";
import type { Container, Override } from "./container-types.js";
import type { Manifest } from "./manifest.js";
import { type Definition, type ModuleNode, definitionsOf } from "./node.js";
import { applyOverrides } from "./overrides.js";
import { type ActivationContext, Registry } from "./registry.js";
import { type StaleRecord, staleManifestError } from "./stale.js";
import { validateAndOrder } from "./validate.js";

/** What a container's registrations need from the container. */
export interface RegistrationHost {
  readonly container: Container;
  readonly activation: ActivationContext;
  readonly overrides: readonly Override[];
  readonly parent: Registrations | undefined;
  /** The registrations of the container's live children. */
  children(): Iterable<Registrations>;
  /** The registry changed: cached lookups are stale. */
  reset(): void;
  /** Prepares added, active nodes of this container for building. */
  bind(nodes: readonly ModuleNode[]): void;
}

export class Registrations {
  private readonly definitions: Definition[] = [];
  /** Package name (or `manifest #n`) per loaded manifest, for messages. */
  private readonly packages: string[] = [];
  private readonly loaded: Manifest[] = [];
  /** Records of the loaded manifests that are older than their classes. */
  readonly stale: StaleRecord[] = [];
  firstManifest: Manifest | undefined;
  private cache: Registry | undefined;
  /**
   * The definitions of the one manifest loaded, while nothing else was added: the key of
   * its boot plan (boot-plan.ts).
   */
  private sole: readonly Definition[] | undefined;
  /** The codegen's load order of `sole` (indices into it), if its manifest has one. */
  private soleOrder: ArrayLike<number> | undefined;
  /** The load order a boot plan gave `cache`. */
  private planned: { readonly registry: Registry; readonly order: ModuleNode[] } | undefined;

  constructor(private readonly host: RegistrationHost) {}

  /** The registry, if it has been linked. */
  get current(): Registry | undefined {
    return this.cache;
  }

  manifests(): readonly Manifest[] {
    return [...this.loaded];
  }

  /** Reads a manifest's definitions and adds them; `running`: validated against the running graph. */
  load(manifest: Manifest, running: boolean): void {
    const origin = this.packages.length;
    const name = packageOf(manifest);
    this.packages.push(name || `manifest #${origin + 1}`);
    try {
      const { defs, stale, order } = definitionsOf(
        manifest,
        origin,
        origin === 0 ? "manifest" : `manifest ${name}`.trim(),
        this.packages,
      );
      if (running) {
        if (stale.length > 0) throw staleManifestError(stale);
        this.addRunning(defs);
      } else {
        const first = this.definitions.length === 0 && this.packages.length === 1;
        this.add(defs);
        this.sole = first ? defs : undefined;
        this.soleOrder = first ? order : undefined;
        for (const record of stale) this.stale.push(record);
      }
      this.firstManifest ??= manifest;
    } catch (error) {
      this.packages.pop();
      throw error;
    }
    this.loaded.push(manifest);
  }

  /** Adds one registered class's definition. */
  register(def: Definition, running: boolean): void {
    this.sole = undefined;
    if (running) this.addRunning([def]);
    else this.add([def]);
  }

  /** The nodes of this container, linked; rebuilt after `load`/`register` before start. */
  registry(): Registry {
    return (this.cache ??= this.host.parent
      ? this.childRegistry(this.host.parent.registry())
      : this.rootRegistry());
  }

  /**
   * The validated load order of the registry (see `validateAndOrder`): the first container
   * of a manifest and activation computes it, the next ones replay it (boot-plan.ts).
   */
  loadOrder(): ModuleNode[] {
    const registry = this.registry();
    if (this.planned?.registry === registry) return this.planned.order;
    const key = this.planKey();
    const planned = key === undefined ? undefined : this.soleOrder;
    const order = validateAndOrder(registry, registry.sorted, this.host.container, planned);
    if (key !== undefined) rememberPlan(key, this.host.activation, registry, order);
    return order;
  }

  /** The definitions a boot plan is remembered under, when only they make up the graph. */
  private planKey(): readonly Definition[] | undefined {
    const { host } = this;
    const alone = host.parent === undefined && host.overrides.length === 0;
    return alone && this.sole !== undefined && this.definitions.length === this.sole.length
      ? this.sole
      : undefined;
  }

  /**
   * Checks that the modules `ids` names can be removed (nothing else still needs them);
   * `commit` removes them from this container and its descendants. Nothing is disposed.
   */
  planUnload(ids: readonly string[]): { removed: ReadonlySet<ModuleNode>; commit: () => void } {
    const { host } = this;
    const descendants = this.descendants();
    const plan = planUnload(
      this.registry(),
      ids,
      host.container,
      (id) => host.parent?.registry().byId.get(id),
      descendants.map((d) => d.registry()),
    );
    const removed = new Set(plan.removed);
    const commit = (): void => {
      this.sole = undefined;
      this.cache = plan.next;
      host.reset();
      for (const child of descendants) child.forget(removed);
      const kept = this.definitions.filter((def) => !plan.removed.some((node) => node.def === def));
      this.definitions.splice(0, this.definitions.length, ...kept);
    };
    return { removed, commit };
  }

  /** Adds definitions, unique among themselves, checking them against those added before. */
  private add(defs: readonly Definition[]): void {
    if (this.definitions.length > 0) {
      const byId = new Map(this.definitions.map((d) => [d.id, d]));
      const byHandle = new Map(this.definitions.map((d) => [d.handle, d]));
      for (const def of defs) {
        const existing = byId.get(def.id);
        if (existing !== undefined) throw duplicateIdError(def.id, existing, def, this.packages);
        const sameClass = byHandle.get(def.handle);
        if (sameClass !== undefined) throw duplicateClassError(sameClass, def);
        byId.set(def.id, def);
        byHandle.set(def.handle, def);
      }
    }
    for (let i = 0; i < defs.length; i++) this.definitions.push(defs[i]!);
    this.cache = undefined;
  }

  /** Runtime registration: validated against the running graph, then committed here and in every live descendant. */
  private addRunning(defs: readonly Definition[]): void {
    this.sole = undefined;
    const { host } = this;
    const added = nodesFor(defs, host.container, host.activation, host.parent === undefined);
    const commit = this.planGrowth(added, true);
    for (const def of defs) this.definitions.push(def);
    commit();
  }

  /** Checks `added` against this container and its descendants; returns what commits it. */
  private planGrowth(added: readonly ModuleNode[], own: boolean): () => void {
    const current = this.cache;
    // not computed yet: it will be, from the parent's registry, which then has the nodes
    if (current === undefined) return () => undefined;
    const next = extendRegistry(current, added, this.host.container, own, (id, a, b) =>
      duplicateIdError(id, a.def, b.def, this.packages),
    );
    const commits = [...this.host.children()].map((child) => child.planGrowth(added, false));
    return () => {
      this.cache = next;
      this.host.reset();
      if (own) this.host.bind(added.filter((node) => node.active));
      for (const commit of commits) commit();
    };
  }

  /** Drops nodes a parent unloaded from this container's registry. */
  private forget(removed: ReadonlySet<ModuleNode>): void {
    const current = this.cache;
    if (current === undefined) return;
    this.cache = new Registry(
      current.nodes.filter((node) => !removed.has(node)),
      current.replacedKeys,
    );
    this.host.reset();
  }

  private descendants(): Registrations[] {
    return [...this.host.children()].flatMap((child) => [child, ...child.descendants()]);
  }

  private rootRegistry(): Registry {
    const { container, activation, overrides } = this.host;
    const nodes = nodesFor(this.definitions, container, activation, true);
    const replaced = applyOverrides(overrides, nodes, container);
    // the nodes overrides put in place
    if (overrides.length > 0) for (const node of nodes) activate(node, activation, true);
    const key = this.planKey();
    const plan = key === undefined ? undefined : planFor(key, activation);
    const registry = new Registry(nodes, replaced, plan?.index);
    if (plan === undefined) registry.link(nodes);
    else this.planned = { registry, order: replayPlan(plan, nodes) };
    return registry;
  }

  private childRegistry(parent: Registry): Registry {
    const { container, activation, overrides } = this.host;
    return childRegistry(
      parent,
      container,
      overrides,
      nodesFor(this.definitions, container, activation, false),
      (id, a, b) => duplicateIdError(id, a.def, b.def, this.packages),
    );
  }
}

/** A manifest's package name for messages, if it has a usable one. */
function packageOf(manifest: unknown): string {
  const name = (manifest as { package?: unknown } | null | undefined)?.package;
  return typeof name === "string" ? name : "";
}
