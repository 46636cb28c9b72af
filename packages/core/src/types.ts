import type { Constructor } from "./manifest.js";
import type { Provider } from "./provider.js";
import type { Token } from "./tokens.js";

/**
 * A deferred dependency: the first call builds (or finds) the instance and caches it.
 * Injecting `Lazy<T>` never builds `T` early and never forms a cycle.
 */
export interface Lazy<T> {
  (): T;
}

/**
 * A new instance of a factory-scoped module per call, with its runtime arguments.
 *
 * @example
 * constructor(private readonly newJob: Factory<ExportJob, [tenant: string]>) {}
 * // ...
 * const job = this.newJob("tenant-42");
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the documented default of the contract
export interface Factory<T, A extends unknown[] = any[]> {
  (...args: A): T;
}

/**
 * Maps module ids to their instance types. Empty here; the generated manifest augments it:
 *
 * @example
 * declare module "@modreg/core" {
 *   interface ModuleRegistry { database: Database }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ModuleRegistry {}

/**
 * Ids `get` accepts: those of the generated registry, or any string when there is none. `R`
 * is the registry: the global `ModuleRegistry`, or the `Registry` a manifest generated as one
 * of several outputs exports (see `Manifest`).
 */
export type ModuleId<R extends object = ModuleRegistry> = keyof R extends never
  ? string
  : Extract<keyof R, string>;

/**
 * A plain string id with an explicit type (`get<Database>("database")`), allowed only while
 * no generated registry exists: once one does, ids are checked against it.
 */
export type UntypedId<R extends object = ModuleRegistry> = keyof R extends never ? string : never;

/** The instance type behind an id. */
export type InstanceOf<K, R extends object = ModuleRegistry> = K extends keyof R ? R[K] : unknown;

/**
 * The registry a container built from a `Manifest<R>` is typed by: `R` when the manifest
 * names one (an output with its own registry), else the global `ModuleRegistry`.
 */
export type RegistryOf<R extends object> = object extends R ? ModuleRegistry : R;

/** Anything that names a module or an interface: a class, a provider, an id or a token. */
export type ModuleKey<T = unknown> = Constructor<T> | Provider<T> | Token<T> | string;

/**
 * Maps factory-scoped module ids to their runtime argument types, so `create` is typed: a
 * parameter list, or `DeferredArgs` (what the generator writes). Empty here; the generated
 * manifest augments it:
 *
 * @example
 * declare module "@modreg/core" {
 *   interface ModuleArgs { "export-job": DeferredArgs<typeof ExportJob, 1> }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ModuleArgs {}

/** The parameter list of a class's constructor or a provider's function. */
type ParametersOf<F> = F extends abstract new (...args: infer A) => unknown
  ? A
  : F extends { readonly fn: (...args: infer A) => unknown }
    ? A
    : unknown[];

/** The last `N` elements of a tuple (labels kept); `unknown[]` when that cannot be told. */
type LastOf<T extends readonly unknown[], N extends number> = T["length"] extends N
  ? T
  : T extends readonly [unknown, ...infer Rest]
    ? LastOf<Rest, N>
    : unknown[];

/** The runtime arguments of a factory module: the last `N` parameters of its constructor or provider function. */
export type RuntimeArgs<F, N extends number> = LastOf<ParametersOf<F>, N>;

/**
 * The key under which a manifest's own registry (the `Registry` of a manifest generated as
 * one of several outputs) lists the runtime arguments of its factory modules, as the global
 * `ModuleArgs` does for the global registry. A type only: it has no value at run time.
 *
 * @example
 * export interface Registry {
 *   "export-job": ExportJob;
 *   readonly [MODULE_ARGS]?: { "export-job": DeferredArgs<typeof ExportJob, 1> };
 * }
 */
export declare const MODULE_ARGS: unique symbol;

/** The runtime-argument types of registry `R`'s factory modules: its own, else the global `ModuleArgs`. */
type ArgsTable<R> = typeof MODULE_ARGS extends keyof R ? NonNullable<R[typeof MODULE_ARGS]> : ModuleArgs;

/** The runtime arguments `create(id, ...)` takes: from the generated registry's, else anything. */
export type ArgsOf<K, R extends object = ModuleRegistry> = K extends keyof ArgsTable<R>
  ? ArgList<ArgsTable<R>[K]>
  : unknown[];

declare const DEFERRED_ARGS: unique symbol;

/**
 * A factory module's runtime arguments as a generated registry lists them (`ModuleArgs`,
 * `[MODULE_ARGS]`): `RuntimeArgs<F, N>`, worked out only where `create` names the module. A
 * type only. Each `RuntimeArgs` entry made `tsc` infer and slice a constructor's parameter
 * list whether or not anything called `create`; this costs it a type reference.
 *
 * @example
 * declare module "@modreg/core" {
 *   interface ModuleArgs { "export-job": DeferredArgs<typeof ExportJob, 1> }
 * }
 */
export interface DeferredArgs<F, N extends number> {
  /** Never present at run time: the type arguments are what counts. */
  readonly [DEFERRED_ARGS]: readonly [F, N];
}

/** `A` as a parameter list: a `DeferredArgs` worked out, a list as it is. */
type ArgList<A> =
  A extends DeferredArgs<infer F, infer N>
    ? RuntimeArgs<F, N>
    : A extends infer L extends unknown[]
      ? L
      : unknown[];

type Same<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;

/** The id of the factory module of registry `R` whose instance type is exactly `T`. */
type FactoryIdOf<T, R extends object> = {
  [K in keyof ArgsTable<R>]: K extends keyof R ? (Same<R[K], T> extends true ? K : never) : never;
}[keyof ArgsTable<R>];

/** The runtime arguments `create(Class, ...)` takes: those of the class's factory module in the registry, else anything. */
export type ClassArgs<C extends Constructor, R extends object = ModuleRegistry> = [
  FactoryIdOf<InstanceType<C>, R>,
] extends [never]
  ? unknown[]
  : ArgList<ArgsTable<R>[FactoryIdOf<InstanceType<C>, R>]>;
