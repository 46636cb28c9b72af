/**
 * Scoped lifetimes: `container.scope({ values })` opens a scope (one HTTP request, one job)
 * in which every `scope: "scoped"` module has one instance, built on first use and disposed
 * with the scope. A scope is a small object — an array of instances and a pointer to what
 * its container computed once — never a copy of the registry: singletons, lazy modules and
 * factory modules that need nothing scoped come from the container as they are.
 */
import { describeValue } from "./arguments.js";
import { disposeFailed, disposeFailures, loadFailed, unexpectedPromiseError } from "./build-errors.js";
import type { Container, DiscoverQuery } from "./container-types.js";
import { markStructural } from "./dependencies.js";
import { describeKey } from "./definitions.js";
import { ModuleRegistryError, formatPath } from "./errors.js";
import { discover } from "./info.js";
import type { Lifecycle } from "./lifecycle.js";
import type { ModuleNode } from "./node.js";
import { builderOf, disposeInstance, hasDisposer } from "./phases.js";
import { type Registry, isBuildEdge } from "./registry.js";
import { type Resolver, resolveEach } from "./resolver.js";
import {
  BUILDING,
  NO_ARGS,
  type OpenScope,
  type Plan,
  type ScopeRoot,
  type ScopeRuntime,
  ScopeHost,
  UNDEFINED,
  enterScope,
  leaveScope,
} from "./scope-host.js";
import { isScopeValue } from "./scope-value.js";
import { isThenable } from "./timeouts.js";
import { type Token, isToken } from "./tokens.js";
import type { ModuleKey, ModuleRegistry } from "./types.js";

/** What `container.scope()` takes. */
export interface ScopeOptions {
  /**
   * Per-scope inputs, each the instance of a scoped module for this scope (typically a
   * `scopeValue()` provider): a plain object by id (`{ request: req }`), or a `Map` keyed by
   * class, provider, token or id.
   */
  readonly values?: Readonly<Record<string, unknown>> | ReadonlyMap<ModuleKey, unknown>;
}

/**
 * One scope of a container: the instance APIs of the container (`Resolver`), where scoped
 * modules have one instance per scope. It is also what a `Resolver` parameter of a module
 * built in the scope receives, so that module's lookups stay in the scope. `await using s = app.scope(...)` disposes it at the end of a block.
 */
export interface ContainerScope<R extends object = ModuleRegistry> extends Resolver<R>, AsyncDisposable {
  /** Disposes what this scope built (never its `values`), in reverse build order. */
  dispose(): Promise<void>;
}

class ScopeImpl implements ContainerScope, ScopeRuntime, OpenScope {
  /** The first slot used and its value (see `write`); the other slots' values by slot. */
  private slot0 = -1;
  private value0: unknown = undefined;
  private instances: unknown[] | undefined = undefined;
  /** What this scope built, in build order (disposed in reverse): the first, then the others. */
  private built0: Plan | undefined = undefined;
  private built: Plan[] | undefined = undefined;
  /** Async builds in flight (`resolve`), shared by concurrent callers. */
  private pending: Map<Plan, Promise<unknown>> | undefined;
  /** The one disposal, once begun; resolves to its failures. */
  private disposal: Promise<ModuleRegistryError[]> | undefined;
  /** The container keeps this scope to close it (it built something disposable). */
  private tracked = false;

  constructor(private readonly host: ScopeHost) {}

  /** What slot `slot` holds: an instance, `UNDEFINED`, `BUILDING`, or `undefined` (not built). */
  private read(slot: number): unknown {
    return slot === this.slot0 ? this.value0 : this.instances?.[slot];
  }

  /** Most scopes hold one instance: the first slot used lives in fields, the array waits for a second. */
  private write(slot: number, value: unknown): void {
    if (this.slot0 === -1 || slot === this.slot0) {
      this.slot0 = slot;
      this.value0 = value;
    } else (this.instances ??= new Array<unknown>(this.host.slotCount))[slot] = value;
  }

  /** Disposed, by its user or with its container. */
  private isClosed(): boolean {
    return this.disposal !== undefined || this.host.root.closed;
  }

  get(key: unknown): never {
    const plan = this.host.entry(key);
    if (this.isClosed()) throw scopeDisposed(`get(${describeKey(key)})`);
    if (plan === null) return this.host.container.get<never>(key as never);
    return (plan.slot >= 0 ? this.instance(plan) : this.produce(plan, NO_ARGS)) as never;
  }

  async resolve(key: unknown): Promise<never> {
    const plan = this.host.entry(key);
    if (this.isClosed()) throw scopeDisposed(`resolve(${describeKey(key)})`);
    if (plan === null) return await this.host.container.resolve<never>(key as never);
    return (await this.resolveNode(plan.node)) as never;
  }

  create(key: unknown, ...args: unknown[]): never {
    const plan = this.host.entry(key);
    if (this.isClosed()) throw scopeDisposed(`create(${describeKey(key)})`);
    if (plan === null || plan.slot >= 0) return this.host.container.create<never>(key as never, ...args);
    if (args.length !== plan.node.def.args) {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        `create(${describeKey(key)}): module "${plan.node.id}" takes ${plan.node.def.args} runtime argument(s), got ${args.length}.`,
        { moduleId: plan.node.id },
      );
    }
    return this.produce(plan, args) as never;
  }

  has(key: ModuleKey): boolean {
    return this.host.container.has(key);
  }

  getAll<T>(query: Token<T> | DiscoverQuery): T[] {
    return this.allOf(query, "getAll").map((node) => this.valueOf(node, this.host.planOf(node)) as T);
  }

  async resolveAll<T>(query: Token<T> | DiscoverQuery): Promise<T[]> {
    const nodes = this.allOf(query, "resolveAll");
    return (await resolveEach(nodes, (node) => this.resolveNode(node))) as T[];
  }

  /** What `getAll`/`resolveAll` return instances of, in the container's order. */
  private allOf(query: Token<unknown> | DiscoverQuery, what: string): readonly ModuleNode[] {
    if (this.isClosed()) throw scopeDisposed(`${what}()`);
    const { registry, container } = this.host;
    if (!isToken(query)) container.getAll(query); // checks the query and the container
    return isToken(query) ? (registry.providers.get(query.key) ?? []) : discover(registry, query);
  }

  /** `resolve` of one node: scoped ones in this scope, the others in the container. */
  private async resolveNode(node: ModuleNode): Promise<unknown> {
    if (this.isClosed()) throw scopeDisposed(`module "${node.id}"`);
    const plan = this.host.planOf(node);
    if (plan === null) return await this.host.container.resolve(node.id as never);
    await this.prepare(plan, new Set());
    return plan.slot >= 0 ? await this.instanceAsync(plan) : this.produce(plan, NO_ARGS);
  }

  /** Puts the scope's `values` into their slots. */
  supply(values: ScopeOptions["values"]): void {
    if (values === undefined) return;
    const entries =
      values instanceof Map ? [...(values as ReadonlyMap<unknown, unknown>)] : plainEntries(values);
    for (const [key, value] of entries) {
      let plan: Plan | null;
      try {
        plan = this.host.entry(key);
      } catch (error) {
        throw new ModuleRegistryError(
          "INVALID_ARGUMENT",
          `scope({ values }): ${describeKey(key)} names no active module. Supply scoped modules by id, class, provider or token.`,
          { cause: error },
        );
      }
      if (plan === null || plan.slot < 0) {
        const node = this.host.registry.find(key as ModuleKey);
        throw new ModuleRegistryError(
          "INVALID_ARGUMENT",
          `scope({ values }): module "${node.id}" is ${node.def.scope}-scoped; values supply scoped modules only (declare one with provide({ id, scope: "scoped" }, scopeValue<T>())).`,
          { moduleId: node.id },
        );
      }
      this.write(plan.slot, value === undefined ? UNDEFINED : value);
    }
  }

  /** A dependency target's value in this scope. */
  valueOf(node: ModuleNode, plan: Plan | null): unknown {
    if (plan !== null) return plan.slot >= 0 ? this.instance(plan) : this.produce(plan, NO_ARGS);
    if (node.state === "ready") return node.instance;
    return node.make !== undefined ? node.make() : (node.owner as Lifecycle).instanceFor(node);
  }

  /** The scope's instance of a scoped module, built on first use. */
  instance(plan: Plan): unknown {
    const found = this.read(plan.slot);
    if (found !== undefined && found !== BUILDING) return found === UNDEFINED ? undefined : found;
    if (this.isClosed()) throw scopeDisposed(`module "${plan.node.id}"`);
    const { node } = plan;
    if (found === BUILDING) throw markStructural(cycleInScope(node));
    if (node.def.asyncInit || this.pending?.has(plan)) throw markStructural(asyncInScope(node));
    const timed = this.host.root.timings;
    const t0 = timed ? performance.now() : 0;
    const instance = this.construct(plan, NO_ARGS);
    const t1 = timed ? performance.now() : 0;
    const init = node.def.provider === undefined ? callInit(plan, instance) : instance;
    if (isThenable(init)) {
      this.write(plan.slot, undefined);
      Promise.resolve(init).catch(() => undefined);
      throw unexpectedPromiseError(node);
    }
    return this.store(plan, instance, t0, t1);
  }

  /** A new instance of a factory module that needs this scope. */
  produce(plan: Plan, args: readonly unknown[]): unknown {
    if (this.isClosed()) throw scopeDisposed(`module "${plan.node.id}"`);
    const instance = this.construct(plan, args);
    const init = plan.node.def.provider === undefined ? callInit(plan, instance) : instance;
    if (isThenable(init)) {
      Promise.resolve(init).catch(() => undefined);
      throw unexpectedPromiseError(plan.node);
    }
    return instance;
  }

  /** Runs the constructor (or provider function) with this scope as the one dependencies come from. */
  private construct(plan: Plan, args: readonly unknown[]): unknown {
    const { node } = plan;
    if (node.def.provider !== undefined && isScopeValue(node.def.provider.fn)) {
      throw markStructural(valueMissing(node));
    }
    if (plan.slot >= 0) this.write(plan.slot, BUILDING);
    const outer = enterScope(this);
    try {
      return node.def.create(plan.resolve, args);
    } catch (error) {
      if (plan.slot >= 0) this.write(plan.slot, undefined);
      throw loadFailed(node, builderOf(node.def), error);
    } finally {
      leaveScope(outer);
    }
  }

  /** Keeps a built instance for the scope: tracked for disposal, and announced (`built`, `initialized`). */
  private store(plan: Plan, instance: unknown, t0: number, t1: number): unknown {
    this.write(plan.slot, instance === undefined ? UNDEFINED : instance);
    const { node } = plan;
    if (node.external) return instance;
    if (this.built0 === undefined) this.built0 = plan;
    else if (this.built === undefined) this.built = [plan];
    else this.built.push(plan);
    const { root } = this.host;
    if (!this.tracked && hasDisposer(node.def, instance)) {
      this.tracked = true;
      root.track(this);
    }
    const { events } = root;
    if (events.listening) {
      const t2 = root.timings ? performance.now() : 0;
      events.emit("built", { id: node.id, ms: t1 - t0, instance, scope: this });
      events.emit("initialized", { id: node.id, ms: t2 - t1, scope: this });
    }
    return instance;
  }

  /** Builds, before `plan` itself, the async modules its build edges reach (scoped ones here, the others in the container). */
  private async prepare(plan: Plan, seen: Set<ModuleNode>): Promise<void> {
    const { node } = plan;
    for (let i = 0; i < node.def.deps.length; i++) {
      if (!isBuildEdge(node.def.deps[i]!)) continue;
      for (const target of node.targets[i]!) {
        if (seen.has(target)) continue;
        seen.add(target);
        const inner = this.host.planOf(target);
        if (inner === null) {
          if (target.state === "pending" && target.def.scope !== "factory" && !target.def.internal)
            await this.host.container.resolve(target.def.handle);
          else if (target.def.scope === "factory") await this.prepareShared(target, seen);
        } else {
          await this.prepare(inner, seen);
          if (inner.slot >= 0) await this.instanceAsync(inner);
        }
      }
    }
  }

  /** The async singleton and lazy modules a factory module outside any scope needs. */
  private async prepareShared(node: ModuleNode, seen: Set<ModuleNode>): Promise<void> {
    for (let i = 0; i < node.def.deps.length; i++) {
      if (!isBuildEdge(node.def.deps[i]!)) continue;
      for (const target of node.targets[i]!) {
        if (seen.has(target)) continue;
        seen.add(target);
        if (target.def.scope === "factory") await this.prepareShared(target, seen);
        else if (target.state === "pending" && !target.def.internal)
          await this.host.container.resolve(target.def.handle);
      }
    }
  }

  /** `instance`, for a module whose provider function or `onInit` may be async (its dependencies prepared). */
  private instanceAsync(plan: Plan): unknown {
    const found = this.read(plan.slot);
    if (found !== undefined && found !== BUILDING) return found === UNDEFINED ? undefined : found;
    const inflight = this.pending?.get(plan);
    if (inflight !== undefined) return inflight;
    if (!plan.node.def.asyncInit) return this.instance(plan);
    const timed = this.host.root.timings;
    const t0 = timed ? performance.now() : 0;
    const instance = this.construct(plan, NO_ARGS);
    const t1 = timed ? performance.now() : 0;
    this.write(plan.slot, undefined);
    const provided = plan.node.def.provider !== undefined;
    const building = Promise.resolve(provided ? instance : callInit(plan, instance)).then(
      (value) => {
        this.pending!.delete(plan);
        const built = provided ? value : instance;
        if (!this.isClosed()) return this.store(plan, built, t0, t1);
        void Promise.resolve(disposeInstance(plan.node.def, built)).catch(() => undefined);
        throw scopeDisposed(`module "${plan.node.id}"`);
      },
      (error: unknown) => {
        this.pending!.delete(plan);
        throw loadFailed(plan.node, provided ? builderOf(plan.node.def) : "onInit", error);
      },
    );
    (this.pending ??= new Map()).set(plan, building);
    return building;
  }

  async dispose(): Promise<void> {
    const failures = await (this.disposal ??= this.disposeBuilt());
    if (failures.length > 0) throw disposeFailures(failures);
  }

  close(): Promise<ModuleRegistryError[]> {
    // disposed by its user meanwhile: wait for it; its failures are that user's to see
    if (this.disposal !== undefined) return this.disposal.then(() => []);
    return (this.disposal = this.disposeBuilt());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private async disposeBuilt(): Promise<ModuleRegistryError[]> {
    if (this.pending !== undefined) await Promise.allSettled(this.pending.values());
    const failures: ModuleRegistryError[] = [];
    const built = this.built0 === undefined ? [] : [this.built0, ...(this.built ?? [])];
    const { root } = this.host;
    for (let i = built.length - 1; i >= 0; i--) {
      const { node, slot } = built[i]!;
      const instance = this.read(slot);
      try {
        await disposeInstance(node.def, instance === UNDEFINED ? undefined : instance);
      } catch (error) {
        failures.push(disposeFailed(node, error));
      }
      if (root.events.listening) root.events.emit("disposed", { id: node.id, scope: this });
    }
    this.built0 = this.built = this.instances = this.value0 = undefined;
    if (this.tracked) root.untrack(this);
    return failures;
  }
}

function callInit(plan: Plan, instance: unknown): unknown {
  if (plan.node.def.hasInit === false) return undefined;
  const init = (instance as { onInit?: unknown } | null | undefined)?.onInit;
  if (typeof init !== "function") return undefined;
  try {
    return (init as () => unknown).call(instance);
  } catch (error) {
    throw loadFailed(plan.node, "onInit", error);
  }
}

function plainEntries(values: unknown): [string, unknown][] {
  const proto: unknown =
    typeof values === "object" && values !== null ? Object.getPrototypeOf(values) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `scope({ values }): values must be a plain object (by id) or a Map (by class, provider, token or id), got ${describeValue(values)}.`,
    );
  }
  return Object.entries(values as Record<string, unknown>);
}

function scopeDisposed(subject: string): ModuleRegistryError {
  return markStructural(
    new ModuleRegistryError(
      "SCOPE_DISPOSED",
      `${subject}: the scope was disposed (by its dispose(), or with its container). Open a new one with container.scope() for each request or job.`,
    ),
  );
}

function valueMissing(node: ModuleNode): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_SCOPE_VALUE_MISSING",
    `scoped module "${node.id}" is a scopeValue(): this scope's values do not supply it. ` +
      `Pass it when opening the scope: container.scope({ values: { "${node.id}": value } }).`,
    { moduleId: node.id },
  );
}

function asyncInScope(node: ModuleNode): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_ASYNC_INIT",
    `scoped module "${node.id}" cannot be built synchronously: ${node.def.provider ? "it is an async provider" : "it has an async onInit"}. ` +
      "Use `await scope.resolve(...)` instead of `get`.",
    { moduleId: node.id, path: [node.id] },
  );
}

function cycleInScope(node: ModuleNode): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_CIRCULAR_DEPENDENCY",
    `scoped module "${node.id}" was needed while it was being built: ${formatPath([node.id, node.id])}. ` +
      "A Lazy<T> was called from a constructor; call it later (for example in onInit or a method).",
    { moduleId: node.id, path: [node.id, node.id] },
  );
}

/** Opens a scope of a started container over its registry (see `Container.scope`). */
export function openScope(
  container: Container,
  registry: Registry,
  root: ScopeRoot,
  options: ScopeOptions | undefined,
): ContainerScope {
  if (root.closed) {
    throw new ModuleRegistryError(
      "CONTAINER_DISPOSED",
      "scope(): the container is being disposed, and its scopes with it. Create a new container.",
    );
  }
  const host = (registry.scopeHost ??= new ScopeHost(container, registry, root)) as ScopeHost;
  const scope = new ScopeImpl(host);
  if (options === undefined) return scope;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `scope(options): expected an object such as { values: { request } }, got ${describeValue(options)}.`,
    );
  }
  const unknown: string[] = [];
  for (const key in options) if (key !== "values") unknown.push(key);
  if (unknown.length > 0) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `scope(options): unknown option ${unknown.map((k) => `"${k}"`).join(", ")}; the only option is values.`,
    );
  }
  const { values } = options;
  if (values !== undefined) scope.supply(values);
  return scope;
}
