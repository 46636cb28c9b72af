import type { DependencySpec, ModuleOptions } from "./decorator.js";
import type { TraversalOptions } from "./graph.js";
import type {
  Constructor,
  InjectionKind,
  Manifest,
  MetadataValue,
  Scope,
  SourceLocation,
} from "./manifest.js";
import type { ModuleState } from "./node.js";
import type { Resolver } from "./resolver.js";
import type { ContainerScope, ScopeOptions } from "./scope.js";
import type { ShutdownOptions } from "./shutdown.js";
import type { Token } from "./tokens.js";
import type { ModuleKey, ModuleRegistry } from "./types.js";

export type { ModuleState } from "./node.js";

/** Replaces a module (by class or id) or an interface (by token) — for tests and environments. */
export type Override<T = unknown> =
  /** This exact value; the container neither initializes nor disposes it. */
  | { readonly provide: ModuleKey<T>; readonly useValue: T }
  /** Built with the replaced module's own constructor dependencies; lifecycle hooks run. */
  | { readonly provide: ModuleKey<T>; readonly useClass: Constructor<T> }
  /** Called once when the module is built; lifecycle hooks of the result run. */
  | { readonly provide: ModuleKey<T>; readonly useFactory: (container: Container) => T };

/** Options of `createContainer`; all optional. */
export interface ContainerOptions {
  /** Matched against `when.env`. A module with `when.env` is inactive without it. */
  readonly env?: string;
  /** Matched against `when.feature`: a map of flags, or the list of features that are on. */
  readonly features?: Readonly<Record<string, boolean>> | readonly string[];
  readonly overrides?: readonly Override[];
  /** Record per-module build and init times for `stats()`. Default `false` (keeps them off the hot path). */
  readonly timings?: boolean;
  /**
   * Receives warnings such as a decorated class missing from a generated manifest. Default:
   * `process.emitWarning` (code `MODREG_WARNING`), `console.warn` where there is no `process`.
   */
  readonly onWarning?: (message: string) => void;
  /**
   * Bounds every `onInit` and `onDispose` (ms): a hung `onInit` fails its module with
   * `MODULE_LOAD_FAILED` (cause: a `TimeoutError`) and start rolls back; a hung `onDispose`
   * is reported in `MODULE_DISPOSE_FAILED` and the others are still disposed. A module's own
   * `initTimeoutMs` (in `@Module`) takes precedence. Default: no bound.
   */
  readonly initTimeoutMs?: number;
}

/** Options of `child`. */
export interface ChildOptions {
  readonly overrides?: readonly Override[];
  /**
   * Matched against `when.feature` of the modules this child loads or registers itself
   * (a tenant's flags); default: the parent's. The parent's modules keep the parent's.
   */
  readonly features?: ContainerOptions["features"];
}

/** Options of `start`. */
export interface StartOptions {
  /** Build only these modules and what they need. Everything active is still validated. */
  readonly roots?: readonly ModuleKey[];
  /**
   * Keep going when a module fails: it is marked `failed`, modules that require it are
   * `skipped`, optional dependents get `undefined`, and `start` resolves.
   */
  readonly isolateFailures?: boolean;
}

/** Options of `register`. */
export interface RegisterOptions extends Omit<ModuleOptions, "inject"> {
  /** Constructor parameters in order: classes, `"id"`/`"id@range"` strings or tokens. */
  readonly params?: readonly (DependencySpec | Token<unknown>)[];
}

/** A query of `discover` and `getAll`. */
export interface DiscoverQuery {
  /** Every one of these is required. */
  readonly capabilities?: readonly string[];
  /** Ranks: modules having more of these come first. */
  readonly optional?: readonly string[];
}

/** One dependency as `modules()` shows it. */
export interface DependencyInfo {
  readonly id?: string;
  readonly iface?: string;
  readonly range?: string;
  readonly optional: boolean;
  readonly multi: boolean;
  readonly inject: InjectionKind;
  /** Deferred edges (`Lazy`, `Factory`) never build their target early. */
  readonly deferred: boolean;
  readonly param?: string;
  /** Active providers it resolves to, by id. */
  readonly resolved: readonly string[];
}

/** What the container knows about a module. */
export interface ModuleInfo {
  readonly id: string;
  /** A `@Module` class (or `register`ed class), or a `provide()` function. */
  readonly kind: "class" | "provider";
  readonly version: string;
  readonly scope: Scope;
  readonly capabilities: readonly string[];
  readonly provides: readonly string[];
  readonly dependencies: readonly DependencyInfo[];
  readonly active: boolean;
  /** Why the module is inactive. */
  readonly inactiveReason?: string;
  readonly state: ModuleState;
  readonly error?: unknown;
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  /** A per-tenant module (`tenant: true`). */
  readonly tenant: boolean;
  readonly source?: SourceLocation;
}

/** The graph of active modules. */
export interface ContainerGraph {
  /** Ids in build order: dependencies first, ties by id. Throws on a cycle. */
  loadOrder(): string[];
  /** What `id` depends on, deferred edges included, sorted by id. */
  dependenciesOf(id: string, options?: TraversalOptions): string[];
  /** What depends on `id`, sorted by id. */
  dependentsOf(id: string, options?: TraversalOptions): string[];
  /** One cycle over build edges as `["a", "b", "a"]`, or `undefined`. */
  findCycle(): string[] | undefined;
}

/**
 * Events a container emits; handlers run synchronously. Factory instances emit none. A
 * scoped module's instance emits `built`, `initialized` and `disposed` too, with the
 * `scope` it belongs to (absent for the container's own modules).
 */
export interface ContainerEvents {
  /** A tracked module was built; `instance` is what `get` (or the scope's `get`) returns for it. */
  built: {
    readonly id: string;
    readonly ms: number;
    readonly instance: unknown;
    readonly scope?: ContainerScope;
  };
  initialized: { readonly id: string; readonly ms: number; readonly scope?: ContainerScope };
  disposed: { readonly id: string; readonly scope?: ContainerScope };
  failed: { readonly id: string; readonly error: unknown };
}

/** Counts, and per-module times when the container was created with `timings: true`. */
export interface ContainerStats {
  readonly modules: number;
  readonly active: number;
  readonly ready: number;
  readonly failed: number;
  readonly skipped: number;
  readonly disposed: number;
  /** Duration of the last `start()`, ms. */
  readonly startMs: number;
  readonly timings?: readonly { readonly id: string; readonly buildMs: number; readonly initMs: number }[];
}

/**
 * A dependency-injection container built from one or more manifests: the instance APIs of
 * `Resolver` (what a module's `Resolver` parameter receives) plus loading, lifecycle and
 * metadata. `R` types the ids `get`, `resolve` and `create` accept: the global
 * `ModuleRegistry`, or a manifest's own `Registry`.
 */
export interface Container<R extends object = ModuleRegistry> extends Resolver<R>, AsyncDisposable {
  readonly graph: ContainerGraph;
  /** Validates the graph, then builds singletons one at a time in load order, awaiting each `onInit`. */
  start(options?: StartOptions): Promise<void>;
  /**
   * Opens a scope (one request, one job): scoped modules get one instance per scope, built on
   * first use; `values` supplies per-scope inputs. Cheap: no copy of the registry.
   *
   * @example
   * await using s = app.scope({ values: { request: req } });
   * s.get(RequestContext);
   */
  scope(options?: ScopeOptions): ContainerScope<R>;
  /** Active modules with every required capability, most optional ones first, then by id. */
  discover(query?: DiscoverQuery): ModuleInfo[];
  /** Every module, by id. */
  modules(): ModuleInfo[];
  /**
   * A container that shares this one's instances but rebuilds what its overrides affect.
   * Modules it loads or registers itself are seen only by it and its descendants. Disposing
   * this container disposes its live children first.
   */
  child(options?: ChildOptions): Container<R>;
  /**
   * Adds a class. Before `start` it joins the graph `start` validates; after `start` it is
   * validated against the running graph and built on first use (see `load`).
   */
  register(target: Constructor, options?: RegisterOptions): this;
  /**
   * Merges another package's manifest. After `start()` (runtime registration) its modules
   * are validated against the running graph — ids, version ranges, interfaces, cycles — and
   * refused whole on any problem; nothing already built is touched, and the new modules are
   * built on first use (`get`, `resolve`, a dependent). A child's modules are seen only by
   * that child and its descendants; a tenant module (`tenant: true`) is inactive in a root.
   */
  load(manifest: Manifest): this;
  /**
   * Disposes (reverse build order) and removes modules this container loaded or registered
   * itself. Refused with `MODULE_IN_USE` (listing them in `modules`) while any other module,
   * here or in a descendant, has an edge to one of them: unload those in the same call.
   */
  unload(ids: string | readonly string[]): Promise<void>;
  /** The manifests this container loaded (a child: its own), in load order. */
  manifests(): readonly Manifest[];
  /** Subscribes; returns the unsubscribe function. */
  on<E extends keyof ContainerEvents>(event: E, handler: (event: ContainerEvents[E]) => void): () => void;
  stats(): ContainerStats;
  /**
   * Calls `onShutdown` of every module whose `onReady` ran (reverse order, children first), then
   * disposes every built module in reverse build order; failures are thrown together afterwards.
   */
  dispose(): Promise<void>;
  /**
   * Disposes the container once, on the first of these signals (`"SIGTERM"`, `"SIGINT"`, ...),
   * then exits with code 0, or 1 when disposal failed or outlasted `timeoutMs`. Later signals
   * are ignored while it disposes. Returns the function that removes the listeners. Needs a
   * Node-like `process` (`UNSUPPORTED_RUNTIME` without one).
   */
  shutdownOn(signals: string | readonly string[], options?: ShutdownOptions): () => void;
}

// `await using app = createContainer(…)` needs TypeScript's `esnext.disposable` lib. These
// are the declarations that lib (and @types/node) make, merged identically, so the
// published types compile for users whose `lib` or TypeScript version lacks them.
declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
    readonly dispose: unique symbol;
  }
  interface AsyncDisposable {
    [Symbol.asyncDispose](): PromiseLike<void>;
  }
  interface Disposable {
    [Symbol.dispose](): void;
  }
}
