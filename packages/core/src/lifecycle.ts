import { AppPhases } from "./app-phases.js";
import { planBuild } from "./build-plan.js";
import {
  cycleError,
  scopeRequiredError,
  factoryPromiseError,
  loadFailed,
  unexpectedPromiseError,
} from "./build-errors.js";
import { compiledResolve, readDependency } from "./dependencies.js";
import { Disposal } from "./disposal.js";
import { ModuleRegistryError } from "./errors.js";
import { EventHub } from "./events.js";
import { DEEP_CHAIN, measureChains, produceBottomUp } from "./factory-chain.js";
import type { Resolve } from "./manifest.js";
import type { ModuleNode } from "./node.js";
import { builderOf } from "./phases.js";
import { isBuildEdge } from "./registry.js";
import { isThenable, withTimeout } from "./timeouts.js";
import { constructShared } from "./construct.js";

const NO_ARGS: readonly unknown[] = Object.freeze([]);

interface Initializable {
  onInit?: () => unknown;
}

/** `performance.now()` only when timings were asked for. */
function now(enabled: boolean): number {
  return enabled ? performance.now() : 0;
}

const ignore = (): void => undefined;

/**
 * Modules whose constructor is running right now, in every container (constructors run
 * synchronously, one inside another only through a `Lazy<T>` or `get` call): a module
 * needed again while it is on this stack closes a cycle.
 */
const constructing: ModuleNode[] = [];

/** What the container tells its lifecycle. */
export interface LifecycleSettings {
  readonly timings: boolean;
  readonly warn: (message: string) => void;
  /** Bounds every `onInit` and `onDispose` unless the module sets its own. */
  readonly initTimeoutMs: number | undefined;
}

/**
 * Building, initializing and disposing modules: the part of the container that runs
 * constructors. Each node is built by its owner (a child container reaches its parent's
 * nodes through `node.owner`).
 *
 * One module, one build: a node is constructed only by `buildBuiltDeps`, only while it is
 * `pending` with no `building` promise, and that call marks it (ready, failed or building)
 * before returning, so every other path — `start`, `get`, `resolve`, a `Lazy<T>` — sees the
 * build in progress and waits for it or refuses, whatever the interleaving.
 */
export abstract class Lifecycle {
  protected started = false;
  /** Modules that failed so far: while none has, nobody needs checking for a failed dependency. */
  private failures = 0;
  protected disposed = false;
  /** While `start()` runs: the modules it will build, so `get` can say start has not finished. */
  protected startWants: ((node: ModuleNode) => boolean) | undefined = undefined;

  /** The `on(event, handler)` listeners. */
  protected readonly events: EventHub;
  /** `onReady` after start, `onShutdown` before disposal. */
  protected readonly phases: AppPhases;
  /** What was built, and its disposal. */
  protected readonly disposal: Disposal;

  protected constructor(private readonly settings: LifecycleSettings) {
    this.events = new EventHub((message) => this.warn(message));
    this.disposal = new Disposal({
      events: this.events,
      warn: (message) => this.warn(message),
      timeoutOf: (node) => this.timeoutOf(node),
    });
    this.phases = new AppPhases(
      (node) => this.timeoutOf(node),
      () => this.disposedError("start()"),
    );
  }

  protected get timings(): boolean {
    return this.settings.timings;
  }

  protected warn(message: string): void {
    this.settings.warn(message);
  }

  /** The timeout of `node`'s `onInit` and `onDispose`, if any. */
  private timeoutOf(node: ModuleNode): number | undefined {
    return node.def.initTimeoutMs ?? this.settings.initTimeoutMs;
  }

  /** Makes `r(i)`, what generated `create(r)` functions read dependencies through. */
  protected bind(nodes: readonly ModuleNode[]): void {
    // Factory modules are built on every use: give each a direct `make()` first, then an
    // `r(i)` that calls its targets' `make` (or reads their instance) without dispatching.
    // (indexed loops: a first boot runs this over thousands of nodes in V8's interpreter)
    let factories = 0;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (node.def.scope === "factory") {
        node.make = this.maker(node);
        factories++;
      }
    }
    if (factories > 0) {
      measureChains(nodes);
      for (const node of nodes)
        if (node.chainDepth > DEEP_CHAIN) node.make = () => this.produce(node, NO_ARGS);
    }
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (node.def.scope === "factory" && !node.external) node.resolve = compiledResolve(node);
      // a singleton or lazy class on the shared path is constructed without `r(i)`
      else if (node.def.shared === undefined || node.def.scope === "factory")
        node.resolve = (i) => readDependency(node, i);
    }
  }

  private maker(node: ModuleNode): () => unknown {
    // `produce` checks for an onInit, and that a provider function did not return a promise
    if (node.def.hasInit !== false || node.def.provider !== undefined)
      return () => this.produce(node, NO_ARGS);
    const { create } = node.def;
    return () => {
      try {
        return create(node.resolve, NO_ARGS);
      } catch (error) {
        throw loadFailed(node, builderOf(node.def), error);
      }
    };
  }

  /** `CONTAINER_DISPOSED` for what was asked: `get(class Database)`, `module "db"`. */
  protected disposedError(subject: string): ModuleRegistryError {
    return new ModuleRegistryError(
      "CONTAINER_DISPOSED",
      `${subject}: the container was disposed (or its start failed and was rolled back). Create a new container.`,
    );
  }

  /** The instance of `node` for a dependent or a `get`: builds lazy modules on demand. */
  instanceFor(node: ModuleNode, dep?: { readonly optional?: boolean }): unknown {
    switch (node.state) {
      case "ready":
        return node.instance;
      case "failed":
      case "skipped":
        if (dep?.optional) return undefined;
        throw node.error;
      case "disposed":
        throw this.disposedError(`module "${node.id}"`);
      default:
        if (node.def.scope === "scoped") throw scopeRequiredError(node);
        return node.def.scope === "factory" ? this.produce(node, NO_ARGS) : this.buildSync(node);
    }
  }

  /**
   * A new instance of a factory-scoped module: the hot path, no tracking, no events. A deep
   * chain of factory modules is built bottom-up (see `produceBottomUp`).
   */
  produce(node: ModuleNode, args: readonly unknown[]): unknown {
    if (node.chainDepth <= DEEP_CHAIN) {
      // a `Factory<T>` of a module not factory-scoped (a hand-written manifest) builds one too
      const r = node.def.scope === "factory" ? node.resolve : (i: number) => readDependency(node, i);
      return this.produceWith(node, r, args);
    }
    return produceBottomUp(node, args, (n, r, a) => (n.owner as Lifecycle).produceWith(n, r, a));
  }

  /** A new instance of `node` whose `create` reads its dependencies through `r`. */
  protected produceWith(node: ModuleNode, r: Resolve, args: readonly unknown[]): unknown {
    if (this.disposed) throw this.disposedError(`module "${node.id}"`);
    let instance: Initializable;
    try {
      instance = node.def.create(r, args) as Initializable;
    } catch (error) {
      throw loadFailed(node, builderOf(node.def), error);
    }
    if (node.def.provider !== undefined) {
      if (!isThenable(instance)) return instance;
      Promise.resolve(instance).catch(ignore);
      throw factoryPromiseError(node);
    }
    if (node.def.hasInit !== false && typeof instance.onInit === "function") {
      const result = instance.onInit();
      if (isThenable(result)) {
        Promise.resolve(result).catch(ignore);
        throw factoryPromiseError(node);
      }
    }
    return instance;
  }

  /**
   * Builds a module not built yet, and what it needs, synchronously; refuses before
   * constructing anything when an async `onInit` (or one in flight) is in the way.
   */
  protected buildSync(node: ModuleNode): unknown {
    if (this.disposed || this.disposal.closing) throw this.disposedError(`module "${node.id}"`);
    // The common first use: every build dependency already settled, so the plan would be
    // `[node]` alone: the same checks, without computing it.
    if (buildDepsSettled(node)) {
      if (node.building !== undefined || (node.def.asyncInit && !node.external))
        throw this.blockedError(node, node);
      if (constructing.length > 0 && constructing.includes(node))
        throw cycleError(planBuild(node), node, constructing);
      if (this.buildBuiltDeps(node) !== undefined) throw unexpectedPromiseError(node);
      return node.instance;
    }
    const plan = planBuild(node);
    const blocker = plan.order.find((n) => n.building !== undefined || (n.def.asyncInit && !n.external));
    if (blocker !== undefined) throw this.blockedError(node, blocker);
    for (const target of plan.order) {
      if (constructing.includes(target)) throw cycleError(plan, target, constructing);
      if ((target.owner as Lifecycle).buildBuiltDeps(target) !== undefined) {
        // The manifest said onInit is synchronous, but it returned a promise: it goes on
        // (a `resolve` shares it); the caller is told to use `resolve`.
        throw unexpectedPromiseError(target);
      }
    }
    return node.instance;
  }

  private blockedError(node: ModuleNode, blocker: ModuleNode): ModuleRegistryError {
    const owner = blocker.owner as Lifecycle;
    if (owner.startWants?.(blocker) === true) {
      return new ModuleRegistryError(
        "CONTAINER_NOT_STARTED",
        `module "${node.id}" is not ready: start() has not finished${blocker === node ? "" : ` (it needs "${blocker.id}")`}. ` +
          "`await container.start()` before get().",
        { moduleId: node.id },
      );
    }
    const why =
      blocker.building !== undefined
        ? "is being initialized asynchronously"
        : blocker.def.provider
          ? "is an async provider"
          : "has an async onInit";
    return new ModuleRegistryError(
      "MODULE_ASYNC_INIT",
      `module "${node.id}" cannot be built synchronously: ${blocker === node ? "it" : `its dependency "${blocker.id}"`} ${why}. ` +
        `Use \`await container.resolve(...)\` instead of \`get\`, or build it during \`start()\` (scope "singleton").`,
      { moduleId: node.id, path: blocker === node ? [node.id] : [node.id, blocker.id] },
    );
  }

  /**
   * Builds and initializes a module and what it needs, awaiting each `onInit`. Concurrent
   * calls (and `start`) share each module's one build.
   */
  protected async buildAsync(node: ModuleNode, subject: string): Promise<unknown> {
    for (const target of planBuild(node).order) {
      let pending = this.step(target, subject);
      while (pending !== undefined) {
        await this.untilDisposed(pending, subject);
        pending = this.step(target, subject);
      }
    }
    return node.instance;
  }

  /**
   * One step towards `node` being built: `undefined` once it is ready, the promise to
   * wait for while its `onInit` is in flight (someone else's build, or the one this call
   * starts); throws when it failed, was skipped or the container is disposed.
   */
  protected step(node: ModuleNode, subject: string): PromiseLike<unknown> | undefined {
    switch (node.state) {
      case "ready":
        return undefined;
      case "failed":
      case "skipped":
        throw node.error;
      case "disposed":
        throw this.disposedError(subject);
      default:
        return node.building ?? (node.owner as Lifecycle).buildBuiltDeps(node);
    }
  }

  /** `pending`, unless this container's disposal begins first: then `CONTAINER_DISPOSED`. */
  protected untilDisposed<T>(pending: PromiseLike<T>, subject: string): Promise<T> {
    if (this.disposed || this.disposal.closing) return Promise.reject(this.disposedError(subject));
    return this.disposal.until(pending, () => this.disposedError(subject));
  }

  /**
   * Builds a module whose build dependencies are all settled (as in load order): constructs
   * it synchronously and returns a promise only when its `onInit` returned one, so a large
   * `start()` does not pay for a promise per module. A module whose required dependency
   * failed is marked `skipped` and its error thrown.
   */
  protected buildBuiltDeps(node: ModuleNode): Promise<void> | undefined {
    if (this.disposed || this.disposal.closing) throw this.disposedError(`module "${node.id}"`);
    if (node.def.scope === "scoped") throw scopeRequiredError(node);
    const broken = this.failures > 0 ? requiredFailure(node) : undefined;
    if (broken !== undefined) {
      node.state = "skipped";
      node.error = new ModuleRegistryError(
        "MODULE_LOAD_FAILED",
        `module "${node.id}" was skipped: its required dependency "${broken.id}" ${broken.state}. See the error of "${broken.id}".`,
        { moduleId: node.id, path: [node.id, broken.id], cause: broken.error },
      );
      throw node.error;
    }
    const t0 = now(this.timings);
    const instance = this.construct(node);
    const t1 = now(this.timings);
    if (node.def.provider !== undefined) {
      // A provider function's value is the instance; an async one's is awaited like an onInit.
      if (!isThenable(instance)) {
        this.ready(node, instance, t0, t1);
        return undefined;
      }
      return this.initializing(node, undefined, instance, t0, t1);
    }
    let result: unknown;
    try {
      result = node.external ? undefined : callInit(node, instance);
    } catch (error) {
      throw this.fail(node, loadFailed(node, "onInit", error));
    }
    if (!isThenable(result)) {
      this.ready(node, instance, t0, t1);
      return undefined;
    }
    return this.initializing(node, instance, result, t0, t1);
  }

  /**
   * Tracks an `onInit` in flight (bounded by the timeout) as `node.building`; with no
   * `instance`, `result` is an async provider's pending value, which becomes the instance.
   */
  private initializing(
    node: ModuleNode,
    instance: unknown,
    result: PromiseLike<unknown>,
    t0: number,
    t1: number,
  ): Promise<void> {
    const provided = node.def.provider !== undefined;
    const where = provided ? builderOf(node.def) : "onInit";
    const ms = this.timeoutOf(node);
    const settled =
      ms === undefined
        ? Promise.resolve(result)
        : withTimeout(
            result,
            ms,
            `${provided ? "the provider function" : "onInit"} of module "${node.id}"`,
            (value) => this.disposal.disposeLate(node, provided ? value : instance),
          );
    const building = settled.then(
      (value) => this.ready(node, provided ? value : instance, t0, t1),
      (error: unknown) => {
        throw this.fail(node, loadFailed(node, where, error));
      },
    );
    node.building = building;
    this.disposal.track(node, building);
    return building;
  }

  /** Runs the constructor (or provider function) of a tracked module; a failure marks it failed. */
  private construct(node: ModuleNode): unknown {
    constructing.push(node);
    try {
      const { shared } = node.def;
      return shared !== undefined ? constructShared(shared, node) : node.def.create(node.resolve, NO_ARGS);
    } catch (error) {
      throw this.fail(node, loadFailed(node, builderOf(node.def), error));
    } finally {
      constructing.pop();
    }
  }

  private ready(node: ModuleNode, instance: unknown, t0: number, t1: number): void {
    if (this.disposed) {
      // Built after disposal began: disposed in turn; its caller learns the container is gone.
      this.disposal.adoptLate(node, instance);
      throw this.disposedError(`module "${node.id}"`);
    }
    node.instance = instance;
    node.state = "ready";
    if (node.external) return;
    this.disposal.built.push(node);
    if (this.timings) {
      node.buildMs = t1 - t0;
      node.initMs = performance.now() - t1;
    }
    if (!this.events.listening) return;
    this.events.emit("built", { id: node.id, ms: node.buildMs, instance });
    this.events.emit("initialized", { id: node.id, ms: node.initMs });
  }

  protected fail(node: ModuleNode, error: ModuleRegistryError): ModuleRegistryError {
    this.failures++;
    node.state = "failed";
    node.error = error;
    if (this.events.listening) this.events.emit("failed", { id: node.id, error });
    return error;
  }

  /**
   * Begins this container's one disposal (again: the same one): from now on nothing is
   * built, waiting callers get `CONTAINER_DISPOSED`, and every built module is disposed in
   * reverse build order (see `Disposal.begin`). Resolves to the dispose failures.
   */
  protected beginDisposal(): Promise<ModuleRegistryError[]> {
    this.disposed = true;
    return this.disposal.begin();
  }

  /**
   * Disposes some built modules (`unload`) in reverse build order, their `onShutdown` first,
   * the container staying alive; resolves to the failures.
   */
  protected async disposeSome(which: ReadonlySet<ModuleNode>): Promise<ModuleRegistryError[]> {
    const failures = await this.phases.shutdownSome(which);
    await this.disposal.disposeSome(which, failures);
    return failures;
  }
}

function callInit(node: ModuleNode, instance: unknown): unknown {
  if (node.def.hasInit === false) return undefined;
  const init = (instance as Initializable | null | undefined)?.onInit;
  if (typeof init !== "function") return undefined;
  try {
    return init.call(instance);
  } catch (error) {
    throw loadFailed(node, "onInit", error);
  }
}

/**
 * Every build dependency of `node` is a settled singleton or lazy module (built, failed or
 * skipped): `planBuild(node)` would be `[node]`.
 */
function buildDepsSettled(node: ModuleNode): boolean {
  const { deps } = node.def;
  for (let i = 0; i < deps.length; i++) {
    if (!isBuildEdge(deps[i]!)) continue;
    for (const target of node.targets[i]!) {
      if (target.state === "pending" || target.def.scope === "factory") return false;
    }
  }
  return true;
}

/** A required, non-array dependency that failed or was skipped. */
function requiredFailure(node: ModuleNode): ModuleNode | undefined {
  for (let i = 0; i < node.def.deps.length; i++) {
    const dep = node.def.deps[i]!;
    if (dep.optional || dep.multi || !isBuildEdge(dep)) continue;
    const bad = node.targets[i]!.find((t) => t.state === "failed" || t.state === "skipped");
    if (bad !== undefined) return bad;
  }
  return undefined;
}
