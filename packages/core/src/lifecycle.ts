import type { ContainerEvents } from "./container-types.js";
import { ModuleRegistryError, describeError, formatPath } from "./errors.js";
import type { InternalDep, ModuleNode } from "./node.js";
import { isBuildEdge } from "./registry.js";

const NO_ARGS: readonly unknown[] = Object.freeze([]);

interface Initializable {
  onInit?: () => unknown;
  onDispose?: () => unknown;
  [Symbol.asyncDispose]?: () => unknown;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

/** `performance.now()` only when timings were asked for. */
function now(enabled: boolean): number {
  return enabled ? performance.now() : 0;
}

/**
 * Building, initializing and disposing modules: the part of the container that runs
 * constructors. Each node is built by its owner (a child container reaches its parent's
 * nodes through `node.owner`).
 */
export abstract class Lifecycle {
  protected started = false;
  /** Modules that failed so far: while none has, nobody needs checking for a failed dependency. */
  private failures = 0;
  protected disposed = false;
  /** Tracked instances in build order; disposed in reverse. */
  protected readonly built: ModuleNode[] = [];
  private readonly listeners = new Map<keyof ContainerEvents, Set<(event: never) => void>>();
  /** While `start()` runs: the modules it will build, so `get` can say start has not finished. */
  protected startWants: ((node: ModuleNode) => boolean) | undefined = undefined;
  /** Modules being constructed synchronously right now, for cycle messages. */
  private readonly constructing: ModuleNode[] = [];

  protected constructor(protected readonly timings: boolean) {}

  /** Makes `r(i)`, what generated `create(r)` functions read dependencies through. */
  protected bind(nodes: readonly ModuleNode[]): void {
    // Factory modules are built on every use: give each a direct `make()` first, then an
    // `r(i)` that calls its targets' `make` (or reads their instance) without dispatching.
    for (const node of nodes) if (node.def.scope === "factory") node.make = this.maker(node);
    for (const node of nodes) {
      node.resolve =
        node.def.scope === "factory" && !node.external
          ? compiledResolve(node)
          : (i) => readDependency(node, i);
    }
  }

  private maker(node: ModuleNode): () => unknown {
    if (node.def.hasInit !== false) return () => this.produce(node, NO_ARGS);
    const { create } = node.def;
    return () => {
      try {
        return create(node.resolve, NO_ARGS);
      } catch (error) {
        throw loadFailed(node, "its constructor", error);
      }
    };
  }

  protected emit<E extends keyof ContainerEvents>(event: E, payload: ContainerEvents[E]): void {
    const handlers = this.listeners.get(event);
    if (handlers === undefined) return;
    for (const handler of handlers) (handler as (e: ContainerEvents[E]) => void)(payload);
  }

  protected subscribe<E extends keyof ContainerEvents>(
    event: E,
    handler: (e: ContainerEvents[E]) => void,
  ): () => void {
    let handlers = this.listeners.get(event);
    if (handlers === undefined) this.listeners.set(event, (handlers = new Set()));
    handlers.add(handler);
    return () => void handlers.delete(handler);
  }

  /** `CONTAINER_DISPOSED` for what was asked: `get(class Database)`, `module "db"`. */
  protected disposedError(subject: string): ModuleRegistryError {
    return new ModuleRegistryError(
      "CONTAINER_DISPOSED",
      `${subject}: the container was disposed (or its start failed and was rolled back). Create a new container.`,
    );
  }

  /** The instance of `node` for a dependent or a `get`: builds lazy modules on demand. */
  instanceFor(node: ModuleNode, dep?: InternalDep): unknown {
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
        return node.def.scope === "factory" ? this.produce(node, NO_ARGS) : this.buildSync(node);
    }
  }

  /** A new instance of a factory-scoped module: the hot path, no tracking, no events. */
  produce(node: ModuleNode, args: readonly unknown[]): unknown {
    if (this.disposed) throw this.disposedError(`module "${node.id}"`);
    let instance: Initializable;
    try {
      instance = node.def.create(node.resolve, args) as Initializable;
    } catch (error) {
      throw loadFailed(node, "its constructor", error);
    }
    if (node.def.hasInit !== false && typeof instance.onInit === "function") {
      const result = instance.onInit();
      if (isThenable(result)) {
        Promise.resolve(result).catch(() => undefined);
        throw new ModuleRegistryError(
          "MODULE_ASYNC_INIT",
          `factory-scoped module "${node.id}" returned a promise from onInit; a factory's onInit must be synchronous. ` +
            "Make it synchronous, or make the module lazy and use `await container.resolve(...)`.",
          { moduleId: node.id },
        );
      }
    }
    return instance;
  }

  /** Builds a module not built yet, synchronously; refuses before constructing anything if an async onInit is in the way. */
  protected buildSync(node: ModuleNode): unknown {
    if (this.disposed) throw this.disposedError(`module "${node.id}"`);
    const blocker = asyncBlocker(node);
    if (blocker !== undefined && this.startWants?.(blocker) === true) {
      throw new ModuleRegistryError(
        "CONTAINER_NOT_STARTED",
        `module "${node.id}" is not ready: start() has not finished${blocker === node ? "" : ` (it needs "${blocker.id}")`}. ` +
          "`await container.start()` before get().",
        { moduleId: node.id },
      );
    }
    if (blocker !== undefined) {
      throw new ModuleRegistryError(
        "MODULE_ASYNC_INIT",
        `module "${node.id}" cannot be built synchronously: ${blocker === node ? "its" : `its dependency "${blocker.id}" has an`} async onInit. ` +
          `Use \`await container.resolve(...)\` instead of \`get\`, or build it during \`start()\` (scope "singleton").`,
        { moduleId: node.id, path: blocker === node ? [node.id] : [node.id, blocker.id] },
      );
    }
    return this.constructSync(node);
  }

  private constructSync(node: ModuleNode): unknown {
    if (this.constructing.includes(node)) {
      const path = [...this.constructing.slice(this.constructing.indexOf(node)), node].map((n) => n.id);
      throw new ModuleRegistryError(
        "MODULE_CIRCULAR_DEPENDENCY",
        `module "${node.id}" was needed while it was being built: ${formatPath(path)}. ` +
          "A Lazy<T> was called from a constructor; call it later (for example in onInit or a method).",
        { moduleId: node.id, path },
      );
    }
    this.constructing.push(node);
    try {
      forEachBuildTarget(node, (target) => {
        if (target.state === "pending" && target.def.scope !== "factory") {
          (target.owner as Lifecycle).constructSync(target);
        }
      });
      const initializing = this.buildBuiltDeps(node);
      if (initializing !== undefined) {
        // The manifest said onInit is synchronous, but it returned a promise: let it finish
        // (a `resolve` shares it) and tell the caller to use `resolve`.
        const building = initializing.then(() => node.instance);
        node.building = building.finally(() => (node.building = undefined));
        node.building.catch(() => undefined);
        throw new ModuleRegistryError(
          "MODULE_ASYNC_INIT",
          `module "${node.id}" returned a promise from onInit, but its manifest says onInit is synchronous. ` +
            "Use `await container.resolve(...)` for it, and regenerate the manifest.",
          { moduleId: node.id },
        );
      }
      return node.instance;
    } finally {
      this.constructing.pop();
    }
  }

  /**
   * Builds and initializes a module and what it needs, awaiting each `onInit`. Concurrent
   * calls for one module share one build. With `isolate`, a module whose required
   * dependency failed is marked `skipped` instead of throwing.
   */
  protected buildAsync(node: ModuleNode, isolate = false): Promise<unknown> {
    if (node.state === "ready") return Promise.resolve(node.instance);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the module's own error, as thrown
    if (node.state === "failed" || node.state === "skipped") return Promise.reject(node.error);
    if (node.state === "disposed" || this.disposed) {
      return Promise.reject(this.disposedError(`module "${node.id}"`));
    }
    node.building ??= this.buildAsyncOnce(node, isolate).finally(() => (node.building = undefined));
    return node.building;
  }

  private async buildAsyncOnce(node: ModuleNode, isolate: boolean): Promise<unknown> {
    const targets: ModuleNode[] = [];
    forEachBuildTarget(node, (target) => void targets.push(target));
    for (const target of targets) {
      if (target.state !== "pending" || target.def.scope === "factory") continue;
      await (target.owner as Lifecycle).buildAsync(target, isolate).catch((error: unknown) => {
        if (!isolate) throw error;
      });
    }
    await this.buildBuiltDeps(node);
    return node.instance;
  }

  /**
   * Builds a module whose build dependencies are all settled (as in load order): constructs
   * it synchronously and returns a promise only when its `onInit` returned one, so a large
   * `start()` does not pay for a promise per module. A module whose required dependency
   * failed is marked `skipped` and its error thrown.
   */
  protected buildBuiltDeps(node: ModuleNode): Promise<void> | undefined {
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
    return Promise.resolve(result).then(
      () => this.ready(node, instance, t0, t1),
      (error: unknown) => {
        throw this.fail(node, loadFailed(node, "onInit", error));
      },
    );
  }

  /** Runs the constructor of a tracked module; a failure marks it failed. */
  private construct(node: ModuleNode): unknown {
    try {
      return node.def.create(node.resolve, NO_ARGS);
    } catch (error) {
      throw this.fail(node, loadFailed(node, "its constructor", error));
    }
  }

  private ready(node: ModuleNode, instance: unknown, t0: number, t1: number): void {
    node.instance = instance;
    node.state = "ready";
    if (node.external) return;
    this.built.push(node);
    if (this.timings) {
      node.buildMs = t1 - t0;
      node.initMs = performance.now() - t1;
    }
    this.emit("built", { id: node.id, ms: node.buildMs });
    this.emit("initialized", { id: node.id, ms: node.initMs });
  }

  private fail(node: ModuleNode, error: ModuleRegistryError): ModuleRegistryError {
    this.failures++;
    node.state = "failed";
    node.error = error;
    this.emit("failed", { id: node.id, error });
    return error;
  }

  /** Disposes built modules in reverse build order; returns the failures. */
  protected async disposeBuilt(): Promise<ModuleRegistryError[]> {
    const failures: ModuleRegistryError[] = [];
    while (this.built.length > 0) {
      const node = this.built.pop()!;
      const instance = node.instance as Initializable | undefined;
      try {
        const onDispose = instance?.onDispose ?? instance?.[Symbol.asyncDispose];
        if (typeof onDispose === "function") await onDispose.call(instance);
      } catch (error) {
        failures.push(
          new ModuleRegistryError(
            "MODULE_DISPOSE_FAILED",
            `module "${node.id}" failed in onDispose: ${describeError(error)}`,
            {
              moduleId: node.id,
              cause: error,
            },
          ),
        );
      }
      node.state = "disposed";
      node.instance = undefined;
      this.emit("disposed", { id: node.id });
    }
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
 * Errors the container raises about the graph itself while a constructor runs (a manifest
 * read past its dependencies): they surface as they are, not wrapped as a load failure.
 */
const structural = new WeakSet<object>();

function loadFailed(node: ModuleNode, where: string, error: unknown): ModuleRegistryError {
  if (ModuleRegistryError.is(error) && (error.code === "MODULE_LOAD_FAILED" || structural.has(error))) {
    return error;
  }
  return new ModuleRegistryError(
    "MODULE_LOAD_FAILED",
    `module "${node.id}" failed in ${where}: ${describeError(error)}. The original error is the cause.`,
    { moduleId: node.id, cause: error },
  );
}

/** Calls `visit` for every target of a build edge (possibly twice); through factory modules to their own targets. */
function forEachBuildTarget(
  node: ModuleNode,
  visit: (target: ModuleNode) => void,
  seen?: Set<ModuleNode>,
): void {
  const { deps } = node.def;
  for (let i = 0; i < deps.length; i++) {
    if (!isBuildEdge(deps[i]!)) continue;
    for (const target of node.targets[i]!) {
      if (target.def.scope !== "factory") {
        visit(target);
        continue;
      }
      seen ??= new Set();
      if (seen.has(target)) continue;
      seen.add(target);
      forEachBuildTarget(target, visit, seen);
    }
  }
}

/** The first not-yet-built module with an async onInit that building `node` would need. */
function asyncBlocker(node: ModuleNode): ModuleNode | undefined {
  if (node.def.asyncInit && !node.external) return node;
  let found: ModuleNode | undefined;
  forEachBuildTarget(node, (target) => {
    if (found === undefined && target.state === "pending") found = asyncBlocker(target);
  });
  return found;
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

/** Every usable instance among `targets` (failed and skipped providers are left out). */
function instancesOf(targets: readonly ModuleNode[]): unknown[] {
  const values: unknown[] = [];
  for (const target of targets) {
    if (target.state === "failed" || target.state === "skipped") continue;
    values.push((target.owner as Lifecycle).instanceFor(target));
  }
  return values;
}

/**
 * `r(i)` for a factory module, chosen once per dependency: a built singleton or lazy target
 * is read from a plain array, a factory target's `make` is called directly, anything else
 * goes through `readDependency`.
 */
function compiledResolve(node: ModuleNode): (i: number) => unknown {
  const { deps } = node.def;
  const direct: (ModuleNode | undefined)[] = [];
  const getters: (() => unknown)[] = [];
  deps.forEach((dep, i) => {
    const target = node.targets[i]![0];
    const single = (dep.inject ?? "value") === "value" && !dep.multi && target !== undefined;
    direct.push(single && target.make === undefined ? target : undefined);
    getters.push(single && target.make !== undefined ? target.make : () => readDependency(node, i));
  });
  if (deps.length === 1) {
    // A captured function called directly is what V8 inlines best: chains of factories.
    const only = getters[0]!;
    const target = direct[0];
    if (target === undefined) return (i) => (i === 0 ? only() : readDependency(node, i));
    return (i) => (i === 0 && target.state === "ready" ? target.instance : readDependency(node, i));
  }
  return (i) => {
    const target = direct[i];
    if (target !== undefined && target.state === "ready") return target.instance;
    const getter = getters[i];
    return getter !== undefined ? getter() : readDependency(node, i);
  };
}

/**
 * The value of dependency `i` of `node`: what `r(i)` returns. Reads plain fields, allocates
 * nothing for a built or factory-scoped target.
 */
function readDependency(node: ModuleNode, i: number): unknown {
  const dep = node.def.deps[i];
  if (dep === undefined) {
    const error = new ModuleRegistryError(
      "INVALID_MANIFEST",
      `module "${node.id}" reads dependency ${i}, but its manifest record lists ${node.def.deps.length}. Regenerate the manifest with \`modreg generate\`.`,
      { moduleId: node.id },
    );
    structural.add(error);
    throw error;
  }
  const targets = node.targets[i]!;
  const inject = dep.inject;
  if (inject === undefined || inject === "value") {
    if (dep.multi) return instancesOf(targets);
    const target = targets[0];
    if (target === undefined) return undefined;
    if (target.state === "ready") return target.instance;
    return target.make !== undefined ? target.make() : (target.owner as Lifecycle).instanceFor(target, dep);
  }
  if (inject === "none") return undefined;
  if (dep.multi) return () => instancesOf(targets);
  const target = targets[0];
  if (target === undefined) return undefined;
  const owner = target.owner as Lifecycle;
  if (inject === "factory") return (...args: unknown[]) => owner.produce(target, args);
  let done = false;
  let value: unknown;
  return () => (done ? value : ((value = owner.instanceFor(target, dep)), (done = true), value));
}
