import {
  checkChildOptions,
  checkContainerOptions,
  checkGetAllQuery,
  checkKey,
  checkOverrides,
  checkQuery,
  checkRegisterParams,
  checkStartOptions,
  checkSubscription,
  describeValue,
} from "./arguments.js";
import type {
  ChildOptions,
  Container,
  ContainerEvents,
  ContainerGraph,
  ContainerOptions,
  ContainerStats,
  DiscoverQuery,
  ModuleInfo,
  RegisterOptions,
  StartOptions,
} from "./container-types.js";
import { childRegistry } from "./children.js";
import { definitionForClass, describeKey } from "./definitions.js";
import { duplicateClassError, duplicateIdError } from "./duplicates.js";
import { ModuleRegistryError } from "./errors.js";
import { activate, extendRegistry, nodesFor, planUnload } from "./extend.js";
import { createGraphView, discover, infoOf, statsOf } from "./info.js";
import { Lifecycle } from "./lifecycle.js";
import type { Constructor, Manifest } from "./manifest.js";
import { type Definition, type ModuleNode, definitionsOf } from "./node.js";
import { applyOverrides } from "./overrides.js";
import { type ActivationContext, Registry, activationOf, isBuildEdge } from "./registry.js";
import { type Token, isToken } from "./tokens.js";
import type { ModuleKey } from "./types.js";
import { requestPathError, withRequestPath } from "./request-path.js";
import { type StaleRecord, missingClassWarnings, staleManifestError } from "./stale.js";
import { validateAndOrder } from "./validate.js";
import { defaultWarningSink } from "./warnings.js";

class ContainerImpl extends Lifecycle implements Container {
  readonly graph: ContainerGraph;
  private readonly definitions: Definition[] = [];
  private readonly packages: string[] = [];
  private readonly loaded: Manifest[] = [];
  /** Live children, disposed before this container. */
  private readonly children = new Set<ContainerImpl>();
  private registryCache: Registry | undefined;
  /** Records of the loaded manifests that are older than their classes. */
  private readonly stale: StaleRecord[] = [];
  private firstManifest: Manifest | undefined;
  /**
   * What `get` reads first: key (id, class or token) -> built instance of a module this
   * container owns, or -> the `make` function of a factory module (a `typeof` tells them
   * apart without depending on the instance's class). Filled by the first lookup of each
   * key, emptied at dispose, so `get` of a built module is one `Map.get`.
   */
  private instances = new Map<unknown, unknown>();
  private starting: Promise<void> | undefined;
  /** `start()` finished building: children may start. */
  private startFinished = false;
  /** The disposal of this container and its children, once begun. */
  private tree: Promise<ModuleRegistryError[]> | undefined;
  private startMs = 0;

  constructor(
    private readonly options: ContainerOptions,
    private readonly activation: ActivationContext,
    private readonly parent?: ContainerImpl,
  ) {
    super({
      timings: options.timings ?? false,
      warn: options.onWarning ?? defaultWarningSink,
      initTimeoutMs: options.initTimeoutMs,
    });
    this.graph = createGraphView(() => this.registry());
  }

  // ---- definitions -------------------------------------------------------------------

  load(manifest: Manifest): this {
    this.assertMutable("load");
    const origin = this.packages.length;
    const name = packageOf(manifest);
    this.packages.push(name || `manifest #${origin + 1}`);
    try {
      const { defs, stale } = definitionsOf(
        manifest,
        origin,
        origin === 0 ? "manifest" : `manifest ${name}`.trim(),
        this.packages,
      );
      if (this.started) {
        if (stale.length > 0) throw staleManifestError(stale);
        this.addRunning(defs);
      } else {
        this.add(defs);
        for (const record of stale) this.stale.push(record);
      }
      this.firstManifest ??= manifest;
    } catch (error) {
      this.packages.pop();
      throw error;
    }
    this.loaded.push(manifest);
    return this;
  }

  register(target: Constructor, options: RegisterOptions = {}): this {
    if (typeof target !== "function") {
      throw new ModuleRegistryError(
        "MODULE_INVALID_OPTIONS",
        `register(target): expected a class, got ${describeValue(target)}.`,
      );
    }
    checkRegisterParams(target.name, options);
    this.assertMutable("register");
    const def = definitionForClass(target, options, -1);
    if (this.started) this.addRunning([def]);
    else this.add([def]);
    return this;
  }

  manifests(): readonly Manifest[] {
    return [...this.loaded];
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
    for (const def of defs) this.definitions.push(def);
    this.registryCache = undefined;
  }

  /** Runtime registration: validated against the running graph, then committed here and in every live descendant. */
  private addRunning(defs: readonly Definition[]): void {
    const added = nodesFor(defs, this, this.activation, this.parent === undefined);
    const commit = this.planGrowth(added, true);
    for (const def of defs) this.definitions.push(def);
    commit();
  }

  /** Checks `added` against this container and its descendants; returns what commits it. */
  private planGrowth(added: readonly ModuleNode[], own: boolean): () => void {
    const current = this.registryCache;
    // not computed yet: it will be, from the parent's registry, which then has the nodes
    if (current === undefined) return () => undefined;
    const next = extendRegistry(current, added, this, own, (id, a, b) =>
      duplicateIdError(id, a.def, b.def, this.packages),
    );
    const commits = [...this.children].map((child) => child.planGrowth(added, false));
    return () => {
      this.registryCache = next;
      this.instances = new Map();
      if (own) this.bind(added.filter((node) => node.active));
      for (const commit of commits) commit();
    };
  }

  async unload(ids: string | readonly string[]): Promise<void> {
    if (this.disposed) throw this.disposedError("unload()");
    const list: unknown[] =
      typeof ids === "string" ? [ids] : Array.isArray(ids) ? [...(ids as unknown[])] : [ids];
    if (list.some((id) => typeof id !== "string")) {
      throw new ModuleRegistryError("INVALID_ARGUMENT", "unload() takes a module id or an array of ids.");
    }
    if (this.starting !== undefined && !this.startFinished) await this.starting.catch(() => undefined);
    if (this.disposed) throw this.disposedError("unload()");
    const registry = this.registry();
    const plan = planUnload(
      registry,
      list as string[],
      this,
      (id) => this.parent?.registry().byId.get(id),
      this.descendants().map((d) => d.registry()),
    );
    const removed = new Set(plan.removed);
    await Promise.all(plan.removed.map((node) => node.building?.catch(() => undefined) ?? Promise.resolve()));
    this.registryCache = plan.next;
    this.instances = new Map();
    for (const child of this.descendants()) child.forget(removed);
    const kept = this.definitions.filter((def) => !plan.removed.some((node) => node.def === def));
    this.definitions.splice(0, this.definitions.length, ...kept);
    if (!this.started) return;
    const failures = await this.disposeSome(removed);
    for (const node of removed) node.state = "disposed";
    if (failures.length > 0) throw disposeFailed(failures);
  }

  /** Drops nodes a parent unloaded from this container's registry. */
  private forget(removed: ReadonlySet<ModuleNode>): void {
    const current = this.registryCache;
    if (current === undefined) return;
    this.registryCache = new Registry(
      current.nodes.filter((node) => !removed.has(node)),
      current.replacedKeys,
    );
    this.instances = new Map();
  }

  private descendants(): ContainerImpl[] {
    return [...this.children].flatMap((child) => [child, ...child.descendants()]);
  }

  private assertMutable(what: string): void {
    if (this.disposed) throw this.disposedError(`${what}()`);
    if (this.starting !== undefined && !this.startFinished) {
      throw new ModuleRegistryError(
        "CONTAINER_ALREADY_STARTED",
        `${what}() while start() is in progress: \`await start()\` first, then ${what}() adds to the running container.`,
      );
    }
  }

  /** The nodes of this container, linked; rebuilt after `load`/`register`. */
  private registry(): Registry {
    return (this.registryCache ??= this.parent
      ? this.childRegistry(this.parent.registry())
      : this.rootRegistry());
  }

  private rootRegistry(): Registry {
    const nodes = nodesFor(this.definitions, this, this.activation, true);
    const replaced = applyOverrides(this.options.overrides ?? [], nodes, this);
    for (const node of nodes) activate(node, this.activation, true);
    const registry = new Registry(nodes, replaced);
    registry.link(nodes);
    return registry;
  }

  private childRegistry(parent: Registry): Registry {
    return childRegistry(
      parent,
      this,
      this.options.overrides ?? [],
      nodesFor(this.definitions, this, this.activation, false),
      (id, a, b) => duplicateIdError(id, a.def, b.def, this.packages),
    );
  }

  // ---- start -------------------------------------------------------------------------

  start(options: StartOptions = {}): Promise<void> {
    try {
      checkStartOptions(options);
      if (this.disposed) throw this.disposedError("start()");
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a ModuleRegistryError
      return Promise.reject(error);
    }
    this.starting ??= this.startOnce(options);
    return this.starting;
  }

  private async startOnce(options: StartOptions): Promise<void> {
    const t0 = performance.now();
    if (this.stale.length > 0) throw staleManifestError(this.stale);
    if (this.parent !== undefined && !this.parent.startFinished) {
      throw new ModuleRegistryError(
        "CONTAINER_NOT_STARTED",
        "start the parent container before its child, and await it: the child shares the parent's instances.",
      );
    }
    const registry = this.registry();
    const order = validateAndOrder(registry, registry.sorted, this);
    // Singletons (or the roots) and every module they need built first, e.g. lazy ones.
    const wanted = options.roots ? this.closureOf(options.roots) : neededBySingletons(order);
    this.bind(registry.nodes.filter((node) => node.owner === this && node.active));
    this.started = true;
    for (const warning of missingClassWarnings(this.firstManifest, (cls) => registry.byHandle.has(cls))) {
      this.warn(warning);
    }
    this.startWants = wanted;
    try {
      await this.buildInOrder(order, wanted, options.isolateFailures === true);
    } finally {
      this.startWants = undefined;
    }
    this.startFinished = true;
    this.startMs = performance.now() - t0;
  }

  /** Builds what start wants, in load order, sharing any build a `resolve` began. */
  private async buildInOrder(
    order: readonly ModuleNode[],
    wanted: (node: ModuleNode) => boolean,
    isolate: boolean,
  ): Promise<void> {
    for (const node of order) {
      if (node.owner !== this || node.def.scope === "factory" || !wanted(node)) continue;
      if (node.state === "failed" || node.state === "skipped") continue;
      try {
        let pending = this.step(node, "start()");
        while (pending !== undefined) {
          await this.untilDisposed(pending, "start()");
          pending = this.step(node, "start()");
        }
      } catch (error) {
        if (this.disposed) throw this.disposedError("start()");
        if (isolate) continue;
        await this.rollBack();
        throw error;
      }
    }
  }

  /** `roots` and every module they need built first. */
  private closureOf(roots: readonly ModuleKey[]): (node: ModuleNode) => boolean {
    const wanted = new Set<ModuleNode>();
    const stack = roots.map((root) => this.find(root));
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (wanted.has(node)) continue;
      wanted.add(node);
      node.def.deps.forEach((dep, i) => {
        if (isBuildEdge(dep)) stack.push(...(node.targets[i] ?? []));
      });
    }
    return (node) => wanted.has(node);
  }

  private async rollBack(): Promise<void> {
    const failures = await this.disposeAll();
    for (const failure of failures) this.warn(`while rolling back a failed start: ${failure.message}`);
  }

  /** Begins (or joins) the disposal; `get` fails from this moment on. */
  private async disposeAll(): Promise<ModuleRegistryError[]> {
    this.instances = new Map();
    const failures = await this.beginDisposal();
    this.close();
    return failures;
  }

  private close(): void {
    this.disposed = true;
    this.instances = new Map();
    for (const node of this.registryCache?.nodes ?? []) {
      if (node.owner === this && node.active) {
        node.state = "disposed";
        node.instance = undefined;
      }
    }
  }

  // ---- instances ---------------------------------------------------------------------

  get(key: unknown): never {
    const found = this.instances.get(key);
    if (found !== undefined)
      return (typeof found === "function" ? (found as () => unknown)() : found) as never;
    return this.getSlow(key as ModuleKey) as never;
  }

  private getSlow(key: ModuleKey): unknown {
    checkKey("get", key);
    this.assertStarted("get", key);
    const node = this.find(key);
    if (node.make !== undefined) {
      if (node.owner === this) this.instances.set(key, node.make);
      return withRequestPath(node, node.make);
    }
    const instance = withRequestPath(node, () => (node.owner as Lifecycle).instanceFor(node));
    // A function-valued instance (from an override) is never cached: it would read as a factory.
    if (node.owner === this && node.state === "ready" && typeof instance !== "function") {
      this.instances.set(key, instance);
    }
    return instance;
  }

  async resolve(key: unknown): Promise<never> {
    checkKey("resolve", key);
    this.assertStarted("resolve", key);
    const node = this.find(key as ModuleKey);
    if (node.state === "ready") return node.instance as never;
    if (node.def.scope === "factory")
      return withRequestPath(node, () => (node.owner as Lifecycle).produce(node, [])) as never;
    return (await this.buildAsync(node, `resolve(${describeKey(key)})`).catch((error: unknown) => {
      throw requestPathError(node, error);
    })) as never;
  }

  create(key: unknown, ...args: unknown[]): never {
    checkKey("create", key);
    this.assertStarted("create", key);
    const node = this.find(key as ModuleKey);
    if (node.def.scope !== "factory") {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        `create(${describeKey(key)}): module "${node.id}" is ${node.def.scope}-scoped, not factory. Use get() for it.`,
        { moduleId: node.id },
      );
    }
    if (args.length !== node.def.args) {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        `create(${describeKey(key)}): module "${node.id}" takes ${node.def.args} runtime argument(s), got ${args.length}.`,
        { moduleId: node.id },
      );
    }
    return withRequestPath(node, () => (node.owner as Lifecycle).produce(node, args)) as never;
  }

  getAll<T>(query: Token<T> | DiscoverQuery): T[] {
    checkGetAllQuery(query);
    this.assertStarted("getAll");
    const registry = this.registry();
    const nodes = isToken(query) ? (registry.providers.get(query.key) ?? []) : discover(registry, query);
    return nodes.map((node) => (node.owner as Lifecycle).instanceFor(node) as T);
  }

  has(key: ModuleKey): boolean {
    checkKey("has", key);
    if (isToken(key)) return (this.registry().providers.get(key.key)?.length ?? 0) > 0;
    const registry = this.registry();
    const node = typeof key === "string" ? registry.byId.get(key) : registry.byHandle.get(key);
    return node?.active === true;
  }

  /** The active node a key names; throws `MODULE_NOT_FOUND` or `MODULE_AMBIGUOUS_PROVIDER`. */
  private find(key: ModuleKey): ModuleNode {
    return this.registry().find(key);
  }

  private assertStarted(what: string, key?: unknown): void {
    if (this.disposed) throw this.disposedError(`${what}(${key === undefined ? "" : describeKey(key)})`);
    if (!this.started) {
      throw new ModuleRegistryError(
        "CONTAINER_NOT_STARTED",
        `${what}() needs a started container: \`await container.start()\` first.`,
      );
    }
  }

  // ---- metadata, children, events ----------------------------------------------------

  discover(query: DiscoverQuery = {}): ModuleInfo[] {
    checkQuery("discover", query);
    return discover(this.registry(), query).map(infoOf);
  }

  modules(): ModuleInfo[] {
    return this.registry()
      .sorted.filter((node) => !node.def.internal)
      .map(infoOf);
  }

  child(options: ChildOptions = {}): Container {
    checkChildOptions(options);
    if (this.disposed) throw this.disposedError("child()");
    const activation =
      options.features === undefined
        ? this.activation
        : { env: this.activation.env, features: activationOf({ features: options.features }).features };
    const child = new ContainerImpl(
      { ...this.options, overrides: options.overrides ?? [] },
      activation,
      this,
    );
    this.children.add(child);
    return child;
  }

  on<E extends keyof ContainerEvents>(event: E, handler: (event: ContainerEvents[E]) => void): () => void {
    checkSubscription(event, handler);
    return this.events.on(event, handler);
  }

  stats(): ContainerStats {
    return statsOf(this.registry(), this, this.startMs, this.timings ? this.built : undefined);
  }

  async dispose(): Promise<void> {
    // After a rolled-back start (already disposed) there is nothing new to report.
    const first = this.tree === undefined && !this.disposed;
    const failures = await this.disposeTree();
    if (first && failures.length > 0) throw disposeFailed(failures);
  }

  /** This container's one disposal, children first (newest first: they may use its instances). */
  private disposeTree(): Promise<ModuleRegistryError[]> {
    return (this.tree ??= (async () => {
      const failures: ModuleRegistryError[] = [];
      for (const child of [...this.children].reverse()) failures.push(...(await child.disposeTree()));
      failures.push(...(await this.disposeAll()));
      this.parent?.children.delete(this);
      return failures;
    })());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** The error `dispose` and `unload` throw after disposing everything they could. */
function disposeFailed(failures: readonly ModuleRegistryError[]): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_DISPOSE_FAILED",
    `${failures.length} module(s) failed to dispose: ${failures.map((f) => `"${f.moduleId}"`).join(", ")}. Every other module was disposed; see errors.`,
    {
      errors: failures,
      cause: failures[0]!.cause,
      ...(failures.length === 1 && { moduleId: failures[0]!.moduleId! }),
    },
  );
}

/**
 * Singletons and the non-singletons they need built first (lazy modules, and through
 * factory modules their dependencies): marked walking the load order backwards.
 */
function neededBySingletons(order: readonly ModuleNode[]): (node: ModuleNode) => boolean {
  const extra = new Set<ModuleNode>();
  if (order.every((node) => node.def.scope === "singleton")) return () => true;
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.def.scope !== "singleton" && !extra.has(node)) continue;
    node.def.deps.forEach((dep, d) => {
      if (!isBuildEdge(dep)) return;
      for (const target of node.targets[d]!) if (target.def.scope !== "singleton") extra.add(target);
    });
  }
  return (node) => node.def.scope === "singleton" || extra.has(node);
}

/**
 * Creates a container from a generated manifest.
 *
 * @example
 * const app = createContainer(manifest, { env: "production" });
 * await app.start();
 * app.get(Database).query("select 1");
 * await app.dispose();
 */
export function createContainer(manifest: Manifest, options: ContainerOptions = {}): Container {
  checkContainerOptions(options);
  checkOverrides("createContainer(manifest, options)", options.overrides);
  return new ContainerImpl(options, activationOf(options)).load(manifest);
}

/** A manifest's package name for messages, if it has a usable one. */
function packageOf(manifest: unknown): string {
  const name = (manifest as { package?: unknown } | null | undefined)?.package;
  return typeof name === "string" ? name : "";
}
