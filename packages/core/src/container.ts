import {
  checkChildOptions,
  checkContainerOptions,
  checkCreate,
  checkUnloadIds,
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
import { uncalledPhaseWarnings } from "./app-phases.js";
import { ContainerTree, type TreeMember } from "./container-tree.js";
import { disposeFailures } from "./build-errors.js";
import { closureOf, neededBySingletons } from "./build-plan.js";
import { definitionForClass, describeKey } from "./definitions.js";
import { ModuleRegistryError } from "./errors.js";
import { createGraphView, discover, infoOf, statsOf } from "./info.js";
import { Lifecycle } from "./lifecycle.js";
import type { Constructor, Manifest } from "./manifest.js";
import type { ModuleNode } from "./node.js";
import { type ActivationContext, type Registry, activationOf } from "./registry.js";
import { type Token, isToken } from "./tokens.js";
import type { ModuleKey, RegistryOf } from "./types.js";
import { Registrations } from "./registrations.js";
import { requestPathError, withRequestPath } from "./request-path.js";
import { type ContainerScope, type ScopeOptions, openScope } from "./scope.js";
import { ScopeRoot } from "./scope-host.js";
import { resolveEach } from "./resolver.js";
import { type ShutdownOptions, shutdownOn } from "./shutdown.js";
import { missingModuleWarnings, staleManifestError } from "./stale.js";
import { defaultWarningSink } from "./warnings.js";

class ContainerImpl extends Lifecycle implements Container, TreeMember {
  readonly graph: ContainerGraph;
  /** Its children, and the one disposal of it and them. */
  private readonly tree: ContainerTree<ContainerImpl>;
  /** The modules this container loaded or registered, and its registry. */
  private readonly regs: Registrations;
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
  private startMs = 0;
  /** Its scopes, closed before its own modules are disposed. */
  private scopes: ScopeRoot | undefined;

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
    this.regs = new Registrations({
      container: this,
      activation,
      overrides: options.overrides ?? [],
      parent: parent?.regs,
      children: () => [...this.tree.children].map((child) => child.member.regs),
      reset: () => {
        this.instances = new Map();
        this.scopes?.forget();
      },
      bind: (nodes) => this.bind(nodes),
    });
    this.graph = createGraphView(() => this.registry());
    this.tree = new ContainerTree<ContainerImpl>(this, parent?.tree);
  }

  // ---- definitions -------------------------------------------------------------------

  load(manifest: Manifest): this {
    this.assertMutable("load");
    this.regs.load(manifest, this.started);
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
    this.regs.register(definitionForClass(target, options, -1), this.started);
    return this;
  }

  manifests(): readonly Manifest[] {
    return this.regs.manifests();
  }

  async unload(ids: string | readonly string[]): Promise<void> {
    if (this.disposed) throw this.disposedError("unload()");
    const list = checkUnloadIds(ids);
    if (this.starting !== undefined && !this.startFinished) await this.starting.catch(() => undefined);
    if (this.disposed) throw this.disposedError("unload()");
    const { removed, commit } = this.regs.planUnload(list);
    await Promise.all([...removed].map((node) => node.building?.catch(() => undefined) ?? Promise.resolve()));
    commit();
    if (!this.started) return;
    const failures = await this.disposeSome(removed);
    for (const node of removed) node.state = "disposed";
    if (failures.length > 0) throw disposeFailures(failures);
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
    return this.regs.registry();
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
    if (this.regs.stale.length > 0) throw staleManifestError(this.regs.stale);
    if (this.parent !== undefined && !this.parent.startFinished) {
      throw new ModuleRegistryError(
        "CONTAINER_NOT_STARTED",
        "start the parent container before its child, and await it: the child shares the parent's instances.",
      );
    }
    const registry = this.registry();
    const order = this.regs.loadOrder();
    // Singletons (or the roots) and every module they need built first, e.g. lazy ones.
    const wanted = options.roots
      ? closureOf(options.roots.map((root) => registry.find(root)))
      : neededBySingletons(order);
    const own = registry.nodes.filter((node) => node.owner === this && node.active);
    this.bind(own);
    this.started = true;
    const missing = missingModuleWarnings(this.regs.firstManifest, (h) => registry.byHandle.has(h));
    for (const warning of [...missing, ...uncalledPhaseWarnings(own)]) this.warn(warning);
    this.startWants = wanted;
    const isolate = options.isolateFailures === true;
    try {
      await this.buildInOrder(order, wanted, isolate);
    } finally {
      this.startWants = undefined;
    }
    this.startFinished = true;
    await this.phases
      .ready([...this.disposal.built], isolate ? (node, e) => this.fail(node, e) : undefined)
      .catch(async (error: unknown) => {
        if (!this.tree.disposing && !this.disposed) await this.rollBack();
        throw error;
      });
    this.startMs = performance.now() - t0;
  }

  /** Builds what start wants, in load order, sharing any build a `resolve` began. */
  private async buildInOrder(
    order: readonly ModuleNode[],
    wanted: (node: ModuleNode) => boolean,
    isolate: boolean,
  ): Promise<void> {
    for (let i = 0; i < order.length; i++) {
      const node = order[i]!;
      const { scope } = node.def;
      if (node.owner !== this || scope === "factory" || scope === "scoped" || !wanted(node)) continue;
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

  private async rollBack(): Promise<void> {
    const failures = await this.disposeAll();
    for (const failure of failures) this.warn(`while rolling back a failed start: ${failure.message}`);
  }

  /** Begins (or joins) the disposal; `get` fails from this moment on. */
  private async disposeAll(): Promise<ModuleRegistryError[]> {
    this.disposal.interrupt();
    const early = await this.phases.shutdown();
    const scoped = this.scopes === undefined ? [] : await this.scopes.closeAll();
    this.instances = new Map();
    const failures = await this.beginDisposal();
    this.close();
    return [...early, ...scoped, ...failures];
  }

  private close(): void {
    this.disposed = true;
    this.instances = new Map();
    for (const node of this.regs.current?.nodes ?? []) {
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
    const node = this.registry().find(key);
    if (node.make !== undefined) {
      if (node.owner === this) this.instances.set(key, node.make);
      return withRequestPath(node, node.make);
    }
    let instance: unknown;
    try {
      instance = (node.owner as Lifecycle).instanceFor(node);
    } catch (error) {
      throw requestPathError(node, error);
    }
    // A function-valued instance (from an override) is never cached: it would read as a factory.
    if (node.owner === this && node.state === "ready" && typeof instance !== "function") {
      this.instances.set(key, instance);
    }
    return instance;
  }

  async resolve(key: unknown): Promise<never> {
    checkKey("resolve", key);
    this.assertStarted("resolve", key);
    return (await this.resolveNode(
      this.registry().find(key as ModuleKey),
      `resolve(${describeKey(key)})`,
    )) as never;
  }

  private async resolveNode(node: ModuleNode, subject: string): Promise<unknown> {
    if (node.state === "ready") return node.instance;
    if (node.def.scope === "factory")
      return withRequestPath(node, () => (node.owner as Lifecycle).produce(node, []));
    return this.buildAsync(node, subject).catch((error: unknown) => {
      throw requestPathError(node, error);
    });
  }

  create(key: unknown, ...args: unknown[]): never {
    checkKey("create", key);
    this.assertStarted("create", key);
    const node = this.registry().find(key as ModuleKey);
    checkCreate(describeKey(key), node, args.length);
    return withRequestPath(node, () => (node.owner as Lifecycle).produce(node, args)) as never;
  }

  getAll<T>(query: Token<T> | DiscoverQuery): T[] {
    checkGetAllQuery(query);
    this.assertStarted("getAll");
    return this.allOf(query).map((node) => (node.owner as Lifecycle).instanceFor(node) as T);
  }

  async resolveAll<T>(query: Token<T> | DiscoverQuery): Promise<T[]> {
    checkGetAllQuery(query, "resolveAll");
    this.assertStarted("resolveAll");
    return (await resolveEach(this.allOf(query), (node) => this.resolveNode(node, "resolveAll()"))) as T[];
  }

  /** What `getAll`/`resolveAll` return instances of. */
  private allOf(query: Token<unknown> | DiscoverQuery): readonly ModuleNode[] {
    const registry = this.registry();
    return isToken(query) ? (registry.providers.get(query.key) ?? []) : discover(registry, query);
  }

  scope(options?: ScopeOptions): ContainerScope {
    return openScope(this, this.registry(), this.scopes ?? this.scopeRoot(), options);
  }

  private scopeRoot(): ScopeRoot {
    this.assertStarted("scope"); // once: a disposed container's root is closed
    return (this.scopes = new ScopeRoot(this.events, this.timings, this.options.initTimeoutMs));
  }

  has(key: ModuleKey): boolean {
    checkKey("has", key);
    if (isToken(key)) return (this.registry().providers.get(key.key)?.length ?? 0) > 0;
    const registry = this.registry();
    const node = typeof key === "string" ? registry.byId.get(key) : registry.byHandle.get(key);
    return node?.active === true;
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
    return new ContainerImpl({ ...this.options, overrides: options.overrides ?? [] }, activation, this);
  }

  on<E extends keyof ContainerEvents>(event: E, handler: (event: ContainerEvents[E]) => void): () => void {
    checkSubscription(event, handler);
    return this.events.on(event, handler);
  }

  stats(): ContainerStats {
    return statsOf(this.registry(), this, this.startMs, this.timings ? this.disposal.built : undefined);
  }

  async dispose(): Promise<void> {
    // After a rolled-back start (already disposed) there is nothing new to report.
    const first = !this.tree.disposing && !this.disposed;
    const failures = await this.tree.dispose();
    if (first && failures.length > 0) throw disposeFailures(failures);
  }

  /** @internal For the tree: interrupts in-flight builds and hooks. */
  treeInterrupt(): void {
    this.disposal.interrupt();
  }

  /** @internal For the tree: this container's shutdown phase. */
  treeShutdown(): Promise<ModuleRegistryError[]> {
    return this.phases.shutdown();
  }

  /** @internal For the tree: this container's own disposal. */
  treeDispose(): Promise<ModuleRegistryError[]> {
    return this.disposeAll();
  }

  shutdownOn(signals: string | readonly string[], options?: ShutdownOptions): () => void {
    return shutdownOn(this, signals, options);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
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
export function createContainer<R extends object = object>(
  manifest: Manifest<R>,
  options: ContainerOptions = {},
): Container<RegistryOf<R>> {
  checkContainerOptions(options);
  checkOverrides("createContainer(manifest, options)", options.overrides);
  // the registry is a type only: one implementation serves every registry
  const container: Container = new ContainerImpl(options, activationOf(options)).load(manifest);
  return container as unknown as Container<RegistryOf<R>>;
}
