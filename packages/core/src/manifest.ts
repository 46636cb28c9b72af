/**
 * The manifest: the static list of modules that `modreg generate` writes and the container
 * reads. It is plain data plus one direct constructor call per module, so start-up does no
 * scanning and resolution no reflection.
 */

import type { Provider } from "./provider.js";

/** The manifest layout this version of `@modreg/core` reads. */
export const MANIFEST_FORMAT_VERSION = 1;

/** How many instances a module has. */
export type Scope = "singleton" | "lazy" | "factory" | "scoped";

/** A metadata value: plain data that a decorator argument can spell statically. */
export type MetadataValue = string | number | boolean;

/** Any class; `abstract` ones included, so abstract bases can be tokens. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructor parameters are arbitrary
export type Constructor<T = unknown> = abstract new (...args: any[]) => T;

/** Activation condition of a module, normalised to arrays. */
export interface ConditionRecord {
  /** Active when the container's `env` is one of these. */
  readonly env?: readonly string[];
  /** Active when every one of these features is on. */
  readonly feature?: readonly string[];
}

/**
 * How a dependency is handed to the constructor.
 * - `value`: the instance itself (or, with `multi`, an array of instances);
 * - `lazy`: a `Lazy<T>` function, built on first call (a deferred edge);
 * - `factory`: a `Factory<T, A>` function, a new instance per call (a deferred edge);
 * - `none`: not injected; an ordering edge from `dependencies`/`optionalDependencies`;
 * - `resolver`: the container that builds the module (`iface: RESOLVER_KEY`), a deferred edge.
 */
export type InjectionKind = "value" | "lazy" | "factory" | "none" | "resolver";

/**
 * One edge of the graph. Exactly one of `id` and `iface` is set.
 *
 * The constructor parameters come first in `deps`, in parameter order, so a module's
 * `create(r)` reads parameter `i` with `r(i)`; ordering-only edges (`inject: "none"`)
 * follow them.
 */
export interface DependencyRecord {
  /** Target module id. */
  readonly id?: string;
  /** Target interface key, `<package or project path>#<ExportName>`: every active provider of it. */
  readonly iface?: string;
  /** Semver range the target's version must satisfy. */
  readonly range?: string;
  /** `undefined` (or, with `multi`, an empty array) when no active provider exists. */
  readonly optional?: boolean;
  /** Inject every active provider of `iface`, ordered by id (`T[]`). */
  readonly multi?: boolean;
  /** How the dependency is passed; default `"value"`. */
  readonly inject?: InjectionKind;
  /** Constructor parameter name, for messages. */
  readonly param?: string;
}

/**
 * Reads the dependencies of the module being built: `r(i)` is the value for `deps[i]`.
 * Generated code calls it once per constructor parameter: `(r) => new Database(r(0), r(1))`.
 */
export type Resolve = (index: number) => unknown;

/** Where a module was declared, for messages. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** What every manifest record has, whether a class or a provider function builds it. */
export interface RecordFields {
  readonly id: string;
  /** Semver version; default `"0.0.0"`. */
  readonly version?: string;
  /** Default `"singleton"`. */
  readonly scope?: Scope;
  readonly capabilities?: readonly string[];
  /** Interface keys this module implements, through its whole heritage chain. */
  readonly provides?: readonly string[];
  readonly deps?: readonly DependencyRecord[];
  readonly when?: ConditionRecord;
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
  /** `onInit` is declared `async` or returns a Promise; for a provider, its function does. */
  readonly asyncInit?: boolean;
  /** Number of trailing runtime arguments (factory scope): `create(r, args)`. */
  readonly args?: number;
  /** `@Module({ initTimeoutMs })`: bounds this module's `onInit`/`onDispose`, ms. */
  readonly initTimeoutMs?: number;
  /** A per-tenant module: inactive in a root container, built in the tenant containers that load it. */
  readonly tenant?: boolean;
  /** `primary: true`: chosen among several active providers of a single-valued interface dependency. */
  readonly primary?: boolean;
  readonly source?: SourceLocation;
}

/** A `@Module` class. */
export interface ClassRecord<T = unknown> extends RecordFields {
  /** The class, so `get(Class)` and overrides by class work. */
  readonly class: Constructor<T>;
  readonly provider?: undefined;
  /**
   * Builds one instance with a direct constructor call. Optional: without it the container
   * calls the constructor itself with the constructor dependencies (the `deps` not
   * `inject: "none"`, in order), then the runtime arguments — one shared path, which is what
   * the packed form uses for modules built once (see {@link PackedManifest}).
   */
  readonly create?: (r: Resolve, args: readonly unknown[]) => T;
}

/** A `provide()` export. */
export interface ProviderRecord<T = unknown> extends RecordFields {
  /** The provider, so `get(provider)` and overrides by provider work. */
  readonly provider: Provider<T>;
  readonly class?: undefined;
  /**
   * Calls the provider function directly; `asyncInit` says whether it returns a promise.
   * Optional, like a class record's: without it the container calls `provider.fn` itself.
   */
  readonly create?: (r: Resolve, args: readonly unknown[]) => T | PromiseLike<T>;
}

/** One module of a manifest: a class, or a provider function. */
export type ModuleRecord<T = unknown> = ClassRecord<T> | ProviderRecord<T>;

/** Carries a manifest's registry type; never present at run time. */
declare const registryType: unique symbol;

/**
 * What `modreg generate` writes, and what `createContainer` and `load` take. `R` types the ids
 * of the container `createContainer` builds from it: a manifest generated as one of several
 * outputs of one program is a `Manifest<Registry>` with its own `Registry` (instead of
 * augmenting the global `ModuleRegistry`, where two outputs' ids would clash).
 */
export interface Manifest<R extends object = object> {
  /** Type only: the registry `createContainer` types its container with. */
  readonly [registryType]?: R;
  readonly formatVersion: typeof MANIFEST_FORMAT_VERSION;
  /** Package that produced the manifest (plugins), for messages. */
  readonly package?: string;
  /**
   * Set by the codegen: ids are unique and every edge between this manifest's own modules
   * had its version range checked at build time, so `start()` skips that work for them.
   */
  readonly validated?: boolean;
  readonly modules: readonly ModuleRecord[];
  /**
   * Set by the codegen for a manifest without conditions: the load order `start()` would
   * compute for it when it is loaded alone, as indices into `modules`. `start()` uses it only
   * after checking that it is still an order of the graph it linked (each module once, after
   * what it needs built first), and computes its own otherwise.
   */
  readonly order?: readonly number[];
}

/**
 * Identity helper for generated code and hand-written manifests: checks the shape at
 * compile time and returns its argument.
 *
 * @example
 * export const manifest = defineManifest({ formatVersion: 1, modules: [...] });
 */
export function defineManifest<const M extends Manifest>(manifest: M): M {
  return manifest;
}
