/** Every condition `@modreg/core` reports, as a stable string. */
export type ModuleRegistryErrorCode =
  | "MODULE_NOT_FOUND"
  | "MODULE_DEPENDENCY_MISSING"
  | "MODULE_VERSION_MISMATCH"
  | "MODULE_CIRCULAR_DEPENDENCY"
  | "MODULE_DUPLICATE_ID"
  | "MODULE_AMBIGUOUS_PROVIDER"
  | "MODULE_LOAD_FAILED"
  | "MODULE_ASYNC_INIT"
  | "MODULE_DISPOSE_FAILED"
  | "MODULE_INVALID_OPTIONS"
  | "CONTAINER_NOT_STARTED"
  | "CONTAINER_ALREADY_STARTED"
  | "CONTAINER_DISPOSED"
  | "INVALID_ARGUMENT"
  | "INVALID_MANIFEST"
  /** What was asked needs something this JavaScript realm lacks (`shutdownOn` without a Node-like `process`). */
  | "UNSUPPORTED_RUNTIME"
  /** `unload` (or a tenant's `disable`) refused: other modules still depend on it; see `modules`. */
  | "MODULE_IN_USE"
  /** A tenant module that is not enabled for the tenant asking for it (`@modreg/tenants`). */
  | "MODULE_NOT_ENABLED"
  /** A feature flag a route requires is off for the tenant (`@modreg/tenants`). */
  | "FEATURE_DISABLED"
  /** No tenant with that id in the tenant store (`@modreg/tenants`). */
  | "TENANT_NOT_FOUND"
  /** The tenant exists but is not loaded on this instance: `await tenants.load(id)` first. */
  | "TENANT_NOT_LOADED"
  /** The tenant store (or another backing service) failed; the cause says how. Nothing was changed. */
  | "STORE_FAILED"
  /** Concurrent updates kept conflicting; nothing was changed. Retry. */
  | "STORE_CONFLICT"
  /** The flag source cannot be written (an OpenFeature client): change flags where they live. */
  | "FLAGS_READ_ONLY"
  /** An optional peer dependency an entry needs (`pg`, `express`, `redis`, `@openfeature/server-sdk`) is not installed. */
  | "PEER_DEPENDENCY_MISSING"
  /** A scoped module (or a factory needing one) asked of the container itself: use `container.scope()`. */
  | "MODULE_SCOPE_REQUIRED"
  /** A singleton or lazy module would hold on to a scoped module (a captive dependency); see `path`. */
  | "MODULE_CAPTIVE_DEPENDENCY"
  /** A `scopeValue()` module was needed, but the scope's `values` do not supply it. */
  | "MODULE_SCOPE_VALUE_MISSING"
  /** The scope was disposed: open a new one with `container.scope()`. */
  | "SCOPE_DISPOSED";

const BRAND = Symbol.for("modreg.error");

/** Extra facts an error carries besides its code and message. */
export interface ModuleRegistryErrorDetails {
  /** The module the failure is about. */
  readonly moduleId?: string;
  /** Dependency path, e.g. `["a", "b", "a"]` for a cycle or the chain that led to a failure. */
  readonly path?: readonly string[];
  /** The original error. */
  readonly cause?: unknown;
  /** Several failures reported together (`MODULE_DISPOSE_FAILED`, validation). */
  readonly errors?: readonly unknown[];
  /** The other modules the error is about: missing dependencies, dependents still in use. */
  readonly modules?: readonly string[];
  /** The full interface key the error is about (messages use its short name, `Repo<User>`). */
  readonly key?: string;
}

/**
 * The one error class `@modreg/core` throws. Check the `code`, not the message.
 *
 * @example
 * try { await app.start(); } catch (e) {
 *   if (ModuleRegistryError.is(e, "MODULE_CIRCULAR_DEPENDENCY")) console.error(e.path);
 * }
 */
export class ModuleRegistryError extends Error {
  override readonly name = "ModuleRegistryError";
  readonly code: ModuleRegistryErrorCode;
  // Declared, not initialized: only the details that have a value become properties, so
  // an error dump never shows `moduleId: undefined`.
  declare readonly moduleId?: string;
  declare readonly path?: readonly string[];
  declare readonly errors?: readonly unknown[];
  declare readonly modules?: readonly string[];
  declare readonly key?: string;

  constructor(code: ModuleRegistryErrorCode, message: string, details: ModuleRegistryErrorDetails = {}) {
    super(`${code}: ${message}`, "cause" in details ? { cause: details.cause } : undefined);
    this.code = code;
    const { moduleId, path, errors, modules, key } = details;
    if (moduleId !== undefined)
      Object.defineProperty(this, "moduleId", { value: moduleId, enumerable: true });
    if (path !== undefined) Object.defineProperty(this, "path", { value: path, enumerable: true });
    if (errors !== undefined) Object.defineProperty(this, "errors", { value: errors, enumerable: true });
    if (modules !== undefined) Object.defineProperty(this, "modules", { value: modules, enumerable: true });
    if (key !== undefined) Object.defineProperty(this, "key", { value: key, enumerable: true });
  }

  /** Brand that survives duplicate copies of `@modreg/core` in one process. */
  get [BRAND](): true {
    return true;
  }

  /**
   * True when `value` is a `ModuleRegistryError` from any copy of `@modreg/core`,
   * optionally with the given code.
   */
  static is(value: unknown, code?: ModuleRegistryErrorCode): value is ModuleRegistryError {
    if (typeof value !== "object" || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) {
      return false;
    }
    return code === undefined || (value as ModuleRegistryError).code === code;
  }
}

/** How many ids a printed path keeps at each end when it is longer than twice that, plus a few. */
const PATH_ENDS = 10;

/**
 * `a -> b -> c`, the way every message prints a dependency path. A very long path (a deep
 * chain) keeps its first and last 10 ids around a count of the ones left out, so a message
 * stays short; the error's `path` property keeps them all.
 */
export function formatPath(path: readonly string[]): string {
  if (path.length <= 2 * PATH_ENDS + 5) return path.join(" -> ");
  const head = path.slice(0, PATH_ENDS).join(" -> ");
  const tail = path.slice(-PATH_ENDS).join(" -> ");
  return `${head} -> … (${path.length - 2 * PATH_ENDS} more) … -> ${tail}`;
}

/** Short description of a thrown value for a message. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
