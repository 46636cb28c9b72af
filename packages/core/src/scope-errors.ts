/** What a scope refuses, and what it says: its options, and the errors of building in it. */
import { describeValue } from "./arguments.js";
import { markStructural } from "./dependencies.js";
import { ModuleRegistryError, formatPath } from "./errors.js";
import type { ModuleNode } from "./node.js";

/** Checks `container.scope(options)`; returns its `values`. */
export function scopeValues(options: unknown): unknown {
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
  return (options as { values?: unknown }).values;
}

/** The entries of `scope({ values })`: a `Map`'s, or a plain object's by id. */
export function valueEntries(values: unknown): [unknown, unknown][] {
  if (values instanceof Map) return [...(values as ReadonlyMap<unknown, unknown>)];
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

export function noSuchValue(key: string, error: unknown): ModuleRegistryError {
  return new ModuleRegistryError(
    "INVALID_ARGUMENT",
    `scope({ values }): ${key} names no active module. Supply scoped modules by id, class, provider or token.`,
    { cause: error },
  );
}

export function notScopedValue(node: ModuleNode): ModuleRegistryError {
  return new ModuleRegistryError(
    "INVALID_ARGUMENT",
    `scope({ values }): module "${node.id}" is ${node.def.scope}-scoped; values supply scoped modules only (declare one with provide({ id, scope: "scoped" }, scopeValue<T>())).`,
    { moduleId: node.id },
  );
}

export function scopeDisposed(subject: string): ModuleRegistryError {
  return markStructural(
    new ModuleRegistryError(
      "SCOPE_DISPOSED",
      `${subject}: the scope was disposed (by its dispose(), or with its container). Open a new one with container.scope() for each request or job.`,
    ),
  );
}

export function containerClosing(): ModuleRegistryError {
  return new ModuleRegistryError(
    "CONTAINER_DISPOSED",
    "scope(): the container is disposed (or being disposed), and its scopes with it. Create a new container.",
  );
}

export function valueMissing(node: ModuleNode): ModuleRegistryError {
  return markStructural(
    new ModuleRegistryError(
      "MODULE_SCOPE_VALUE_MISSING",
      `scoped module "${node.id}" is a scopeValue(): this scope's values do not supply it. ` +
        `Pass it when opening the scope: container.scope({ values: { "${node.id}": value } }).`,
      { moduleId: node.id },
    ),
  );
}

export function asyncInScope(node: ModuleNode): ModuleRegistryError {
  return markStructural(
    new ModuleRegistryError(
      "MODULE_ASYNC_INIT",
      `scoped module "${node.id}" cannot be built synchronously: ${node.def.provider ? "it is an async provider" : "it has an async onInit"}. ` +
        "Use `await scope.resolve(...)` instead of `get`.",
      { moduleId: node.id, path: [node.id] },
    ),
  );
}

export function cycleInScope(node: ModuleNode): ModuleRegistryError {
  return markStructural(
    new ModuleRegistryError(
      "MODULE_CIRCULAR_DEPENDENCY",
      `scoped module "${node.id}" was needed while it was being built: ${formatPath([node.id, node.id])}. ` +
        "A Lazy<T> was called from a constructor; call it later (for example in onInit or a method).",
      { moduleId: node.id, path: [node.id, node.id] },
    ),
  );
}
