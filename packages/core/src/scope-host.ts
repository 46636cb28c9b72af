/**
 * What the scopes of one container share, computed once per registry: which modules need a
 * scope (scoped ones, and factory modules reaching one), a slot per scoped module, and for
 * each of those how its dependencies are read inside a scope. Scopes themselves hold only
 * their instances (see scope.ts).
 */
import { checkKey } from "./arguments.js";
import type { Container } from "./container-types.js";
import type { ModuleRegistryError } from "./errors.js";
import type { EventHub } from "./events.js";
import { readDependency } from "./dependencies.js";
import type { Resolve } from "./manifest.js";
import type { Definition, ModuleNode } from "./node.js";
import type { Registry } from "./registry.js";
import { isScopeValue } from "./scope-value.js";
import type { ModuleKey } from "./types.js";

export type Reader = (scope: ScopeRuntime) => unknown;

/** How a scope builds one module that needs it: a scoped module, or a factory module reaching one. */
export class Plan {
  /** The `r(i)` its generated `create` reads dependencies through, in the scope being built (set by `link`). */
  resolve: Resolve = readNothing;
  readonly readers: Reader[] = [];
  /** Its dependencies' singletons, read directly by `resolve` once built (by dependency index). */
  readonly direct: (ModuleNode | undefined)[] = [];
  /**
   * The instances of the `direct` ones built so far, kept until the container's registry
   * changes (`forget`): a built singleton's instance never changes while its container runs.
   */
  readonly ready: unknown[] = [];
  /** No dependency is read from the scope: its constructor runs without entering the scope. */
  free = true;
  /** A `scopeValue()` provider: only a scope's `values` supply it. */
  readonly value: boolean;
  /** A class that may have an `onInit` to call after construction. */
  readonly init: boolean;
  /** The module's `create` (read once, not through `node.def` per build). */
  readonly create: Definition["create"];
  /**
   * A class with no `onInit` whose dependencies come from the container, in a container not
   * timing builds: a scope builds it with a constructor call and a store (scope.ts).
   */
  fast = false;

  constructor(
    readonly node: ModuleNode,
    /** Index into a scope's instances; -1 for a factory module (a new instance per use). */
    readonly slot: number,
  ) {
    const { def } = node;
    this.value = def.provider !== undefined && isScopeValue(def.provider.fn);
    this.init = def.provider === undefined && def.hasInit !== false;
    this.create = def.create;
  }

  /** Sets `resolve`, once `readers` and `direct` are filled. */
  link(): void {
    const { node, direct, readers, ready } = this;
    this.forget();
    const read = (i: number): unknown => {
      const target = direct[i];
      if (target !== undefined && target.state === "ready") return (ready[i] = target.instance);
      return (readers[i] ?? readDependency.bind(undefined, node, i))(current!);
    };
    // small enough for V8 to inline into `create` wherever it is called: a built singleton is one array read
    this.resolve = (i) => ready[i] ?? read(i);
  }

  /**
   * `hasDisposer` (phases.ts) of an instance of a `fast` plan, a class with no provider hooks:
   * a method, so V8 inlines it into a scope's first build without a module lookup, and the
   * lookups fold away for the instance's known class.
   */
  disposes(instance: unknown): boolean {
    const value = instance as {
      onDispose?: unknown;
      [Symbol.asyncDispose]?: unknown;
      [Symbol.dispose]?: unknown;
    };
    return (
      (typeof value === "object" || typeof value === "function") &&
      value !== null &&
      typeof (value.onDispose ?? value[Symbol.asyncDispose] ?? value[Symbol.dispose]) === "function"
    );
  }

  /** Drops the kept instances (the registry changed: a singleton may be gone). */
  forget(): void {
    this.ready.length = 0;
    for (let i = 0; i < this.node.def.deps.length; i++) this.ready.push(undefined);
  }
}

const readNothing: Resolve = () => undefined;

/** `lastKey` before any lookup: no key is this. */
const NO_KEY = Symbol("no key");

export const NO_ARGS: readonly unknown[] = Object.freeze([]);
/** An instance that is `undefined`, told apart from "not built yet". */
export const UNDEFINED = Symbol("undefined");
/** The slot of a module whose constructor is running. */
export const BUILDING = Symbol("building");

/** The scope whose module is being constructed: what every plan's `r(i)` reads through. */
let current: ScopeRuntime | undefined;

/**
 * Makes `scope` the one dependencies are read from while a constructor runs (constructors
 * are synchronous); returns the scope to restore with `leaveScope` (in a `finally`).
 */
export function enterScope(scope: ScopeRuntime): ScopeRuntime | undefined {
  const outer = current;
  current = scope;
  return outer;
}

export function leaveScope(outer: ScopeRuntime | undefined): void {
  current = outer;
}

/** What a plan's readers ask of the scope being built. */
export interface ScopeRuntime {
  /** The scope's instance of a scoped module, built on first use. */
  instance(plan: Plan): unknown;
  /** A new instance of a factory module that needs the scope. */
  produce(plan: Plan, args: readonly unknown[]): unknown;
  /** A dependency target's value in the scope. */
  valueOf(node: ModuleNode, plan: Plan | null): unknown;
}

/** A scope as its container sees it: closed (disposed) with the container. */
export interface OpenScope {
  /** Disposes the scope unless its user already began to; resolves to the failures of this disposal. */
  close(): Promise<ModuleRegistryError[]>;
}

/**
 * What a container keeps of all its scopes (across registries): its events and timings
 * setting, the open scopes holding something to dispose, and whether it closed them. A
 * scope that never built anything disposable is not kept, so one its user forgets is
 * still garbage; it refuses every call once its container is closed.
 */
export class ScopeRoot {
  closed = false;
  private readonly open = new Set<OpenScope>();
  /** The hosts of its registries, told when it closes (what a scope's `get` checks). */
  readonly hosts: ScopeHost[] = [];

  constructor(
    readonly events: EventHub,
    readonly timings: boolean,
    /** The container's `initTimeoutMs`. */
    private readonly initTimeoutMs: number | undefined,
  ) {}

  /** What bounds a scoped module's async `onInit` (or provider function) and its `onDispose`. */
  timeoutOf(node: ModuleNode): number | undefined {
    return node.def.initTimeoutMs ?? this.initTimeoutMs;
  }

  track(scope: OpenScope): void {
    this.open.add(scope);
  }

  untrack(scope: OpenScope): void {
    this.open.delete(scope);
  }

  /** The registry changed: its plans forget the singletons they kept. */
  forget(): void {
    for (const host of this.hosts) host.forget();
  }

  /** Closes every open scope, newest first, one at a time; resolves to their dispose failures. */
  async closeAll(): Promise<ModuleRegistryError[]> {
    this.closed = true;
    for (const host of this.hosts) host.closed = true;
    const failures: ModuleRegistryError[] = [];
    for (const scope of [...this.open].reverse()) failures.push(...(await scope.close()));
    this.open.clear();
    return failures;
  }
}

/** What a container's scopes share, computed once per registry. */
export class ScopeHost {
  private readonly plans = new Map<ModuleNode, Plan | null>();
  private readonly entries = new Map<unknown, Plan | null>();
  /** Slots given out so far. */
  slotCount = 0;
  /** Its container closed its scopes (`ScopeRoot.closed`, one load nearer). */
  closed = false;
  /** The container's events (`ScopeRoot.events`). */
  readonly events: EventHub;
  /** The key `entry` found last and its plan (what `get` checks before calling it). */
  lastKey: unknown = NO_KEY;
  lastPlan: Plan | null = null;

  constructor(
    readonly container: Container,
    readonly registry: Registry,
    readonly root: ScopeRoot,
  ) {
    this.events = root.events;
    root.hosts.push(this);
  }

  /** The plan of the module `key` names, or `null` for one the container gives as it is. */
  entry(key: unknown): Plan | null {
    // a request handler asks for the same module in every scope: skip the map for it
    if (key === this.lastKey) return this.lastPlan;
    const known = this.entries.get(key);
    if (known !== undefined) {
      this.lastKey = key;
      this.lastPlan = known;
    }
    if (known !== undefined) return known;
    checkKey("get", key);
    const plan = this.planOf(this.registry.find(key as ModuleKey));
    this.entries.set(key, plan);
    return plan;
  }

  forget(): void {
    for (const plan of this.plans.values()) plan?.forget();
  }

  /** `null` for a module that needs no scope. */
  planOf(node: ModuleNode): Plan | null {
    const known = this.plans.get(node);
    if (known !== undefined) return known;
    this.plans.set(node, null); // a factory reaching itself through a Factory<T> edge
    if (!this.needsScope(node)) return null;
    const plan = new Plan(node, node.def.scope === "scoped" ? this.slotCount++ : -1);
    this.plans.set(node, plan);
    for (let i = 0; i < node.def.deps.length; i++) {
      const reader = this.readerOf(node, i);
      plan.readers.push(reader.read);
      plan.direct.push(reader.direct);
      if (!reader.free) plan.free = false;
    }
    plan.link();
    const { def } = node;
    plan.fast =
      plan.free &&
      def.provider === undefined &&
      def.hasInit === false &&
      !def.asyncInit &&
      !this.root.timings;
    return plan;
  }

  private needsScope(node: ModuleNode): boolean {
    if (node.external) return false;
    if (node.def.scope === "scoped") return true;
    if (node.def.scope !== "factory") return false;
    // built in a scope, a factory module's `Resolver` is that scope
    if (node.def.deps.some((dep) => dep.inject === "resolver")) return true;
    return node.targets.some((targets) => targets.some((t) => this.planOf(t) !== null));
  }

  /** How dependency `i` of `node` is read in a scope; `free` when not from the scope at all. */
  private readerOf(
    node: ModuleNode,
    i: number,
  ): { read: Reader; free: boolean; direct?: ModuleNode | undefined } {
    const dep = node.def.deps[i]!;
    const targets = node.targets[i]!;
    // `Resolver`: the scope building the module, so its lookups stay in that scope
    if (dep.inject === "resolver") return { read: (s) => s, free: false };
    const plans = targets.map((t) => this.planOf(t));
    const first = targets[0];
    if (plans.every((p) => p === null)) {
      const single = first !== undefined && (dep.inject ?? "value") === "value" && !dep.multi;
      return { read: () => readDependency(node, i), free: true, direct: single ? first : undefined };
    }
    const all = (s: ScopeRuntime): unknown[] => targets.map((t, n) => s.valueOf(t, plans[n]!));
    return { read: scopedReader(dep, plans, first, all), free: false };
  }
}

/** How a dependency reaching something built in the scope is read. */
function scopedReader(
  dep: { readonly inject?: string; readonly multi?: boolean },
  plans: readonly (Plan | null)[],
  first: ModuleNode | undefined,
  all: Reader,
): Reader {
  switch (dep.inject ?? "value") {
    case "none":
      return () => undefined;
    case "lazy":
      if (dep.multi) return (s) => () => all(s);
      return (s) => {
        let done = false;
        let value: unknown;
        return () => (done ? value : ((value = s.valueOf(first!, plans[0]!)), (done = true), value));
      };
    case "factory":
      return (s) =>
        (...args: unknown[]) =>
          s.produce(plans[0]!, args);
    default:
      if (dep.multi) return all;
      return plans[0]!.slot >= 0 ? (s) => s.instance(plans[0]!) : (s) => s.produce(plans[0]!, NO_ARGS);
  }
}
