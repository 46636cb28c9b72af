/**
 * Disposing what one scope built: in reverse build order, each hook bounded by the
 * timeout that bounds a singleton's (`@Module({ initTimeoutMs })`, else the container's),
 * every failure — a throw, a rejection, a hook that never settles — collected while the
 * rest are still disposed.
 */
import { disposeFailed } from "./build-errors.js";
import type { ModuleRegistryError } from "./errors.js";
import { disposeInstance } from "./phases.js";
import type { ContainerScope } from "./scope.js";
import type { Plan, ScopeRoot } from "./scope-host.js";
import { isThenable, withTimeout } from "./timeouts.js";

/** One module a scope built, and its instance. */
export interface BuiltInScope {
  readonly plan: Plan;
  readonly instance: unknown;
}

/** Disposes `built` (in build order) newest first; resolves to the failures, emitting `disposed` for each. */
export async function disposeBuilt(
  built: readonly BuiltInScope[],
  root: ScopeRoot,
  scope: ContainerScope,
): Promise<ModuleRegistryError[]> {
  const failures: ModuleRegistryError[] = [];
  for (let i = built.length - 1; i >= 0; i--) {
    const { plan, instance } = built[i]!;
    const { node } = plan;
    try {
      const result = disposeInstance(node.def, instance);
      if (isThenable(result)) {
        const ms = root.timeoutOf(node);
        await (ms === undefined
          ? result
          : withTimeout(result, ms, `onDispose of scoped module "${node.id}"`));
      }
    } catch (error) {
      failures.push(disposeFailed(node, error));
    }
    if (root.events.listening) root.events.emit("disposed", { id: node.id, scope });
  }
  return failures;
}
