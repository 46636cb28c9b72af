import { markStructural } from "./dependencies.js";
import { ModuleRegistryError } from "./errors.js";

const SCOPE_VALUE = Symbol.for("modreg.scopeValue");

/** The function of a `scopeValue()` provider: never called with a value to return. */
export interface ScopeValueFunction<T> {
  (): T;
  readonly [SCOPE_VALUE]: true;
}

/**
 * Declares a per-scope input — the HTTP request, the current user — as the function of a
 * scoped provider, so the codegen knows its type and checks who injects it, while the value
 * itself comes from each scope's `values`:
 *
 * @example
 * export const request = provide({ id: "request", scope: "scoped" }, scopeValue<Request>());
 * // per request:
 * await using s = app.scope({ values: { request: req } });
 *
 * A scope whose `values` do not supply it fails with `MODULE_SCOPE_VALUE_MISSING` when a
 * module needs it. `modreg generate` reports `scopeValue()` outside a scoped `provide()` as MR2018.
 */
export function scopeValue<T>(): ScopeValueFunction<T> {
  const fn = (): T => {
    throw markStructural(
      new ModuleRegistryError(
        "MODULE_SCOPE_VALUE_MISSING",
        "a scopeValue() provider was called: its value must come from a scope's values, `container.scope({ values })`.",
      ),
    );
  };
  return Object.assign(fn, { [SCOPE_VALUE]: true as const });
}

/** True for the function `scopeValue()` returns (from any copy of `@modreg/core`). */
export function isScopeValue(fn: unknown): boolean {
  return typeof fn === "function" && (fn as unknown as Record<symbol, unknown>)[SCOPE_VALUE] === true;
}
