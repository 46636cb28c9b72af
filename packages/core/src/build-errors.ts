/** The errors building and disposing a module can end in, and what they say. */
import { type BuildPlan, pathFromRoot } from "./build-plan.js";
import { isStructural, markStructural } from "./dependencies.js";
import { ModuleRegistryError, describeError, formatPath } from "./errors.js";
import type { ModuleNode } from "./node.js";

/** `MODULE_LOAD_FAILED` for an error thrown in `where`; a load failure or a graph error passes through. */
export function loadFailed(node: ModuleNode, where: string, error: unknown): ModuleRegistryError {
  if (ModuleRegistryError.is(error) && (error.code === "MODULE_LOAD_FAILED" || isStructural(error))) {
    return error;
  }
  return new ModuleRegistryError(
    "MODULE_LOAD_FAILED",
    `module "${node.id}" failed in ${where}: ${describeError(error)}. The original error is the cause.`,
    { moduleId: node.id, cause: error },
  );
}

export function disposeFailed(node: ModuleNode, error: unknown): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_DISPOSE_FAILED",
    `module "${node.id}" failed in ${node.def.provider ? "its dispose hook" : "onDispose"}: ${describeError(error)}`,
    { moduleId: node.id, cause: error },
  );
}

/** The error `dispose` and `unload` throw after disposing everything they could. */
export function disposeFailures(failures: readonly ModuleRegistryError[]): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_DISPOSE_FAILED",
    `${failures.length} module(s) failed to dispose: ${failures.map((f) => `"${f.moduleId}"`).join(", ")}. Every other module was disposed; see errors.`,
    {
      errors: failures,
      cause: failures[0]!.cause,
      ...(failures.length === 1 && { moduleId: failures[0]!.moduleId! }),
    },
  );
}

/** A factory-scoped module (or provider) handed back a promise where it must be synchronous. */
export function factoryPromiseError(node: ModuleNode): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_ASYNC_INIT",
    node.def.provider
      ? `factory-scoped provider "${node.id}" returned a promise; a factory's function must be synchronous. ` +
          "Make it synchronous, or make it lazy and use `await container.resolve(...)`."
      : `factory-scoped module "${node.id}" returned a promise from onInit; a factory's onInit must be synchronous. ` +
          "Make it synchronous, or make the module lazy and use `await container.resolve(...)`.",
    { moduleId: node.id },
  );
}

/** A module the manifest calls synchronous returned a promise (from `onInit`, or its provider function). */
export function unexpectedPromiseError(node: ModuleNode): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_ASYNC_INIT",
    `module "${node.id}" returned a promise from ${node.def.provider ? "its provider function, but its manifest says that is" : "onInit, but its manifest says onInit is"} synchronous. ` +
      "Use `await container.resolve(...)` for it, and regenerate the manifest.",
    { moduleId: node.id },
  );
}

/**
 * A module needed again while its own constructor runs (a `Lazy<T>` called from it):
 * `constructing` is the stack of constructors running now.
 */
export function cycleError(
  plan: BuildPlan,
  node: ModuleNode,
  constructing: readonly ModuleNode[],
): ModuleRegistryError {
  const path = [
    ...constructing.slice(constructing.indexOf(node)).map((n) => n.id),
    ...pathFromRoot(plan, node),
  ];
  return markStructural(
    new ModuleRegistryError(
      "MODULE_CIRCULAR_DEPENDENCY",
      `module "${node.id}" was needed while it was being built: ${formatPath(path)}. ` +
        "A Lazy<T> was called from a constructor; call it later (for example in onInit or a method).",
      { moduleId: node.id, path },
    ),
  );
}

/** `MODULE_SCOPE_REQUIRED`: a scoped module asked of a container outside any scope. */
export function scopeRequiredError(node: ModuleNode): ModuleRegistryError {
  return markStructural(
    new ModuleRegistryError(
      "MODULE_SCOPE_REQUIRED",
      `module "${node.id}" is scoped (one instance per scope) and was asked of the container itself. ` +
        "Open a scope and get it there: `const s = container.scope({ values }); s.get(...)`, then `await s.dispose()`.",
      { moduleId: node.id },
    ),
  );
}
