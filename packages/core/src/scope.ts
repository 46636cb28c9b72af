/**
 * Scoped lifetimes: `container.scope({ values })` opens a scope (one HTTP request, one job)
 * in which every `scope: "scoped"` module has one instance, built on first use and disposed
 * with the scope. A scope is a small object — its first instance in fields, a pointer to
 * what its container computed once (scope-host.ts), the rest allocated when first needed —
 * never a copy of the registry: singletons, lazy modules and factory modules that need
 * nothing scoped come from the container as they are.
 */
import { loadFailed, unexpectedPromiseError, disposeFailures } from "./build-errors.js";
import { checkCreate } from "./arguments.js";
import type { Container, DiscoverQuery } from "./container-types.js";
import { describeKey } from "./definitions.js";
import type { ModuleRegistryError } from "./errors.js";
import { discover } from "./info.js";
import type { Lifecycle } from "./lifecycle.js";
import type { ModuleNode } from "./node.js";
import { builderOf, disposeInstance, hasDisposer } from "./phases.js";
import type { Registry } from "./registry.js";
import { type Resolver, resolveEach } from "./resolver.js";
import { type BuiltInScope, disposeBuilt } from "./scope-dispose.js";
import {
  asyncInScope,
  containerClosing,
  cycleInScope,
  noSuchValue,
  notScopedValue,
  scopeDisposed,
  scopeValues,
  valueEntries,
  valueMissing,
} from "./scope-errors.js";
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
import { type PreparingScope, prepare } from "./scope-prepare.js";
import { isThenable, withTimeout } from "./timeouts.js";
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

/** What most scopes never need: values, a second instance, async builds, their disposal. */
class ScopeMore {
  /** Instances by slot: the scope's `values`, and what it built past its first module. */
  instances: unknown[] | undefined = undefined;
  /** What the scope built, in build order: past its first module, or (`listsFirst`) all of it. */
  readonly built: Plan[] = [];
  /** `built` lists the first module too: something else was built while it was constructed. */
  listsFirst = false;
  /** Async builds in flight (`resolve`), shared by concurrent callers. */
  pending: Map<Plan, Promise<unknown>> | undefined = undefined;
  /** The one disposal, once begun; resolves to its failures. */
  disposal: Promise<ModuleRegistryError[]> | undefined = undefined;
  /** The container keeps the scope to close it (it built something disposable). */
  tracked = false;
}

class ScopeImpl implements ContainerScope, ScopeRuntime, OpenScope, PreparingScope {
  /**
   * The first module the scope builds (synchronously, before anything else is kept in it)
   * and its value: `BUILDING` while constructed, `UNDEFINED` for `undefined`, `undefined`
   * when its constructor threw. Everything else lives in `more`.
   */
  private plan0: Plan | undefined = undefined;
  private value0: unknown = undefined;
  private more: ScopeMore | undefined = undefined;

  constructor(private readonly host: ScopeHost) {}

  /** What the scope holds for `plan`: an instance, `UNDEFINED`, `BUILDING`, or `undefined` (not built). */
  private read(plan: Plan): unknown {
    return plan === this.plan0 ? this.value0 : this.more?.instances?.[plan.slot];
  }

  private write(plan: Plan, value: unknown): void {
    if (plan === this.plan0) this.value0 = value;
    else if (this.plan0 === undefined && this.more === undefined && value === BUILDING) {
      this.plan0 = plan;
      this.value0 = value;
    } else
      ((this.more ??= new ScopeMore()).instances ??= new Array<unknown>(this.host.slotCount))[plan.slot] =
        value;
  }

  /** Disposed, by its user or with its container. */
  private isClosed(): boolean {
    return this.host.closed || this.more?.disposal !== undefined;
  }

  get(key: unknown): never {
    const { host } = this;
    const plan = key === host.lastKey ? host.lastPlan : host.entry(key);
    // the scope's first module: a field read, or its first build (kept small, for V8 to inline)
    const first = this.plan0;
    if (first === undefined) {
      if (plan !== null) return this.buildFirst(key, plan) as never;
    } else if (plan === first) {
      const found = this.value0;
      if (found !== undefined && found !== BUILDING && host.closed === false)
        return (found === UNDEFINED ? undefined : found) as never;
    }
    return this.getAny(key, plan);
  }

  /** `get`, every case. */
  private getAny(key: unknown, plan: Plan | null): never {
    if (this.isClosed()) throw scopeDisposed(`get(${describeKey(key)})`);
    if (plan === null) return this.host.container.get<never>(key as never);
    return (plan.slot >= 0 ? this.instanceOpen(plan) : this.produce(plan, NO_ARGS)) as never;
  }

  /** `get` in a scope that built nothing yet: a `fast` plan, nobody listening for events, is constructed in place. */
  private buildFirst(key: unknown, plan: Plan): unknown {
    const { host } = this;
    if (
      this.more !== undefined ||
      plan.fast !== true ||
      host.closed !== false ||
      host.events.listening !== false
    )
      return this.getAny(key, plan);
    this.plan0 = plan;
    this.value0 = BUILDING;
    let instance: unknown;
    try {
      instance = plan.create(plan.resolve, NO_ARGS);
    } catch (error) {
      throw this.unbuilt(plan, error);
    }
    // the constructor reached this scope (through a reference of its own): the general way
    if (this.more !== undefined) {
      this.keep(plan, instance);
      return instance;
    }
    this.value0 = instance === undefined ? UNDEFINED : instance;
    if (plan.disposes(instance)) this.track();
    return instance;
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
    checkCreate(describeKey(key), plan.node, args.length);
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
    await prepare(this, this.host, plan, new Set());
    return plan.slot >= 0 ? await this.instanceAsync(plan) : this.produce(plan, NO_ARGS);
  }

  /** Puts the scope's `values` (if any) into their slots. */
  supply(values: unknown): void {
    if (values === undefined) return;
    for (const [key, value] of valueEntries(values)) {
      let plan: Plan | null;
      try {
        plan = this.host.entry(key);
      } catch (error) {
        throw noSuchValue(describeKey(key), error);
      }
      if (plan === null || plan.slot < 0) throw notScopedValue(this.host.registry.find(key as ModuleKey));
      this.write(plan, value === undefined ? UNDEFINED : value);
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
    if (this.isClosed()) throw scopeDisposed(`module "${plan.node.id}"`);
    return this.instanceOpen(plan);
  }

  /** `instance` in a scope known to be open. */
  private instanceOpen(plan: Plan): unknown {
    const found = this.read(plan);
    if (found !== undefined && found !== BUILDING) return found === UNDEFINED ? undefined : found;
    const fast = found === undefined && plan.fast && !this.host.events.listening;
    return fast ? this.buildFast(plan) : this.build(plan, found);
  }

  /** `instance` of a `fast` plan in an open scope when nobody listens for events: construct and keep. */
  private buildFast(plan: Plan): unknown {
    this.write(plan, BUILDING);
    let instance: unknown;
    try {
      instance = plan.create(plan.resolve, NO_ARGS);
    } catch (error) {
      throw this.unbuilt(plan, error);
    }
    this.keep(plan, instance);
    return instance;
  }

  /** Keeps a built instance: in its slot, in build order (for disposal), the scope tracked if it disposes. */
  private keep(plan: Plan, instance: unknown): void {
    this.write(plan, instance === undefined ? UNDEFINED : instance);
    const { more } = this;
    if (plan !== this.plan0)
      more!.built.push(plan); // `write` put it in `more`
    else if (more !== undefined) {
      more.built.push(plan);
      more.listsFirst = true;
    }
    if (this.more?.tracked !== true && hasDisposer(plan.node.def, instance)) this.track();
  }

  /** Has the container keep this scope, to close it with the container. */
  private track(): void {
    (this.more ??= new ScopeMore()).tracked = true;
    this.host.root.track(this);
  }

  /** `instance`, every case: a cycle, async, `onInit`, providers, events and timings. */
  private build(plan: Plan, found: unknown): unknown {
    const { node } = plan;
    if (found === BUILDING) throw cycleInScope(node);
    if (node.def.asyncInit || this.more?.pending?.has(plan) === true) throw asyncInScope(node);
    const timed = this.host.root.timings;
    const t0 = timed ? performance.now() : 0;
    const instance = this.construct(plan, NO_ARGS);
    const t1 = timed ? performance.now() : 0;
    if (plan.init) {
      const init = callInit(plan, instance);
      if (isThenable(init)) {
        this.write(plan, undefined);
        Promise.resolve(init).catch(() => undefined);
        throw unexpectedPromiseError(node);
      }
    } else if (node.def.provider !== undefined && isThenable(instance)) {
      this.write(plan, undefined);
      Promise.resolve(instance).catch(() => undefined);
      throw unexpectedPromiseError(node);
    }
    return this.store(plan, instance, t0, t1);
  }

  /** A new instance of a factory module that needs this scope. */
  produce(plan: Plan, args: readonly unknown[]): unknown {
    if (this.isClosed()) throw scopeDisposed(`module "${plan.node.id}"`);
    const instance = this.construct(plan, args);
    const provided = plan.node.def.provider !== undefined;
    const init = plan.init ? callInit(plan, instance) : provided ? instance : undefined;
    if (isThenable(init)) {
      Promise.resolve(init).catch(() => undefined);
      throw unexpectedPromiseError(plan.node);
    }
    return instance;
  }

  /** Runs the constructor (or provider function), dependencies read from this scope. */
  private construct(plan: Plan, args: readonly unknown[]): unknown {
    const { node } = plan;
    if (plan.value) throw valueMissing(node);
    if (plan.slot >= 0) this.write(plan, BUILDING);
    // nothing it reads comes from a scope: no need to say which one
    if (plan.free) {
      try {
        return plan.create(plan.resolve, args);
      } catch (error) {
        throw this.unbuilt(plan, error);
      }
    }
    const outer = enterScope(this);
    try {
      return plan.create(plan.resolve, args);
    } catch (error) {
      throw this.unbuilt(plan, error);
    } finally {
      leaveScope(outer);
    }
  }

  /** A construction that threw: its slot emptied, the error wrapped. */
  private unbuilt(plan: Plan, error: unknown): ModuleRegistryError {
    if (plan.slot >= 0) this.write(plan, undefined);
    return loadFailed(plan.node, builderOf(plan.node.def), error);
  }

  /** `keep`, then announces the instance (`built`, `initialized`). */
  private store(plan: Plan, instance: unknown, t0: number, t1: number): unknown {
    this.keep(plan, instance);
    const { node } = plan;
    const { root } = this.host;
    const { events } = root;
    if (events.listening) {
      const t2 = root.timings ? performance.now() : 0;
      events.emit("built", { id: node.id, ms: t1 - t0, instance, scope: this });
      events.emit("initialized", { id: node.id, ms: t2 - t1, scope: this });
    }
    return instance;
  }

  /** `instance`, for a module whose provider function or `onInit` may be async (its dependencies prepared). */
  instanceAsync(plan: Plan): unknown {
    const found = this.read(plan);
    if (found !== undefined && found !== BUILDING) return found === UNDEFINED ? undefined : found;
    const more = (this.more ??= new ScopeMore());
    const inflight = more.pending?.get(plan);
    if (inflight !== undefined) return inflight;
    const { node } = plan;
    if (!node.def.asyncInit) return this.instance(plan);
    const { root } = this.host;
    const t0 = root.timings ? performance.now() : 0;
    const instance = this.construct(plan, NO_ARGS);
    const t1 = root.timings ? performance.now() : 0;
    this.write(plan, undefined);
    const provided = node.def.provider !== undefined;
    const result = Promise.resolve(provided ? instance : callInit(plan, instance));
    const ms = root.timeoutOf(node);
    const lateDispose = (value: unknown): void => {
      void Promise.resolve(disposeInstance(node.def, provided ? value : instance)).catch(() => undefined);
    };
    const what = `${provided ? "the provider function" : "onInit"} of scoped module "${node.id}"`;
    const settled = ms === undefined ? result : withTimeout(result, ms, what, lateDispose);
    const building = settled.then(
      (value) => {
        more.pending!.delete(plan);
        const built = provided ? value : instance;
        if (!this.isClosed()) return this.store(plan, built, t0, t1);
        lateDispose(value);
        throw scopeDisposed(`module "${node.id}"`);
      },
      (error: unknown) => {
        more.pending!.delete(plan);
        throw loadFailed(node, provided ? builderOf(node.def) : "onInit", error);
      },
    );
    (more.pending ??= new Map()).set(plan, building);
    return building;
  }

  async dispose(): Promise<void> {
    const more = (this.more ??= new ScopeMore());
    const failures = await (more.disposal ??= this.disposeAll());
    if (failures.length > 0) throw disposeFailures(failures);
  }

  close(): Promise<ModuleRegistryError[]> {
    const more = (this.more ??= new ScopeMore());
    // disposed by its user meanwhile: wait for it; its failures are that user's to see
    if (more.disposal !== undefined) return more.disposal.then(() => []);
    return (more.disposal = this.disposeAll());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private async disposeAll(): Promise<ModuleRegistryError[]> {
    const more = this.more!;
    // taken at once, so `get` finds nothing: a build still in flight finishes into a closed scope, which disposes it
    const first = this.value0;
    const plans =
      this.plan0 === undefined || more.listsFirst || first === undefined || first === BUILDING
        ? more.built
        : [this.plan0, ...more.built];
    const built: BuiltInScope[] = plans.map((plan) => {
      const instance = this.read(plan);
      return { plan, instance: instance === UNDEFINED ? undefined : instance };
    });
    this.plan0 = more.instances = this.value0 = undefined;
    more.built.length = 0;
    if (more.pending !== undefined) await Promise.allSettled(more.pending.values());
    const failures = await disposeBuilt(built, this.host.root, this);
    if (more.tracked) this.host.root.untrack(this);
    return failures;
  }
}

function callInit(plan: Plan, instance: unknown): unknown {
  const init = (instance as { onInit?: unknown } | null | undefined)?.onInit;
  if (typeof init !== "function") return undefined;
  try {
    return (init as () => unknown).call(instance);
  } catch (error) {
    throw loadFailed(plan.node, "onInit", error);
  }
}

/** Opens a scope of a started container over its registry (see `Container.scope`). */
export function openScope(
  container: Container,
  registry: Registry,
  root: ScopeRoot,
  options: ScopeOptions | undefined,
): ContainerScope {
  if (root.closed === true) throw containerClosing();
  const host = registry.scopeHost as ScopeHost | undefined;
  const scope = new ScopeImpl(host !== undefined ? host : hostOf(container, registry, root)); // one compare, not `??`'s two
  if (options !== undefined) scope.supply(scopeValues(options));
  return scope;
}

/** What the scopes of `registry` share, made by its first scope. */
function hostOf(container: Container, registry: Registry, root: ScopeRoot): ScopeHost {
  return (registry.scopeHost = new ScopeHost(container, registry, root));
}
