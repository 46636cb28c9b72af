import { type ModuleOptions, checkModuleOptions } from "./decorator.js";
import { ModuleRegistryError } from "./errors.js";
import { WeakLedger } from "./ledger.js";

/**
 * Options of `provide()`: the same statically readable options as `@Module` (`id`, `version`,
 * `capabilities`, `scope`, `when`, `inject`, `args`, `primary`, `metadata`, `dependencies`, `tenant`).
 * Without `id`, the codegen uses the name the provider is exported under.
 */
export type ProviderOptions = ModuleOptions;

/** Run-time hooks of a provider: any function, never read by the codegen. */
export interface ProviderHooks<T> {
  /**
   * Disposes the value, in reverse build order like `onDispose`. Without it, a value with
   * `[Symbol.asyncDispose]` or `[Symbol.dispose]` is disposed through that; `false` means the
   * value is not the container's to dispose at all.
   */
  readonly dispose?: ((value: T) => unknown) | false;
  /** Called with the value once every module of `start()` is initialized, in load order, like `onReady`. */
  readonly onReady?: (value: T) => unknown;
  /** Called with the value before any module is disposed, in reverse order, like `onShutdown`. */
  readonly onShutdown?: (value: T) => unknown;
}

const PROVIDER = Symbol.for("modreg.provider");

/**
 * What `provide()` returns: a module whose instance is whatever its function returns. Export
 * it; the generated manifest imports it and calls `fn` directly with the injected values. It
 * is also a key: `get(pool)`, `overrides: [{ provide: pool, useValue }]`. `Provider<T>` alone
 * is any provider of `T`: its parameter list defaults to `never`, which every list fits.
 */
export interface Provider<T = unknown, A extends readonly unknown[] = never> {
  readonly options: ProviderOptions;
  /** The provider function: its parameters are injected like constructor parameters. */
  readonly fn: (...args: A) => T | PromiseLike<T>;
  /** Typed at `provide()`; `never` here keeps `Provider<Pool>` assignable to `Provider<unknown>`. */
  readonly hooks: ProviderHooks<never>;
  /** Brand that survives duplicate copies of `@modreg/core`. */
  readonly [PROVIDER]: true;
}

/** The value a provider provides: `Provided<typeof pool>` is `Pool`. */
export type Provided<P> = P extends Provider<infer T> ? T : never;

/** Providers created in this process (weakly), so `start()` can spot one missing from the manifest. */
const created = new WeakLedger<Provider>();

/** How many providers `provide()` has created in this process. */
export function providerCount(): number {
  return created.count;
}

/** Providers `provide()` has created that are still alive, in order; with `since`, only the later ones. */
export function createdProviders(since = 0): readonly Provider[] {
  return created.alive(since);
}

/**
 * Puts anything a function can return into the graph — a database pool, a client, an
 * options object, a string — without a class. The function's parameters are injected like
 * constructor parameters (by type, or by id through `inject`); its awaited return type is
 * what it provides. An `async` function is awaited by `start()` in load order.
 *
 * @example
 * export const pool = provide(
 *   { id: "pg-pool", version: "1.0.0" },
 *   async (config: Config): Promise<Pool> => new Pool({ connectionString: config.databaseUrl }),
 *   { dispose: (p) => p.end() },
 * );
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter list; the codegen reads the real one
export function provide<A extends any[], R>(
  options: ProviderOptions,
  fn: (...args: A) => R,
  hooks: ProviderHooks<Awaited<R>> = {},
): Provider<Awaited<R>, A> {
  const problems = checkModuleOptions(options);
  if (typeof fn !== "function") problems.push("the second argument must be the provider function");
  const dispose = (hooks as { dispose?: unknown } | null)?.dispose;
  if (typeof hooks !== "object" || hooks === null) problems.push("hooks must be an object");
  else if (dispose !== undefined && dispose !== false && typeof dispose !== "function") {
    problems.push("hooks.dispose must be a function or false");
  }
  for (const [key, value] of Object.entries(typeof hooks === "object" && hooks !== null ? hooks : {})) {
    if (key !== "dispose" && key !== "onReady" && key !== "onShutdown") {
      problems.push(`unknown hook "${key}" (known: dispose, onReady, onShutdown)`);
    } else if (key !== "dispose" && value !== undefined && typeof value !== "function") {
      problems.push(`hooks.${key} must be a function`);
    }
  }
  if (problems.length > 0) {
    const id = (options as { id?: unknown } | null)?.id;
    throw new ModuleRegistryError(
      "MODULE_INVALID_OPTIONS",
      `provide(${typeof id === "string" ? `"${id}"` : ""}): ${problems.join("; ")}. \`modreg generate\` reports the same at build time.`,
      typeof id === "string" && id !== "" ? { moduleId: id } : {},
    );
  }
  const provider = Object.freeze({
    options: Object.freeze({ ...options }),
    fn: fn as Provider<Awaited<R>, A>["fn"],
    hooks: Object.freeze({ ...hooks }),
    [PROVIDER]: true as const,
  });
  created.note(provider);
  return provider;
}

/** True when `value` is a `provide()` result (from any copy of `@modreg/core`). */
export function isProvider(value: unknown): value is Provider {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PROVIDER] === true;
}

/** How a provider reads in a message. */
export function describeProvider(provider: Provider): string {
  const id = provider.options.id;
  const name = provider.fn.name;
  return `provider ${id !== undefined ? `"${id}"` : name !== "" ? name : "(unnamed)"}`;
}
