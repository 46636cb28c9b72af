/**
 * Before `resolve` builds a module in a scope: the async modules its build edges reach,
 * built first (scoped ones in the scope, singleton and lazy ones in the container), so the
 * synchronous constructor finds them ready.
 */
import type { ModuleNode } from "./node.js";
import { isBuildEdge } from "./registry.js";
import type { Plan, ScopeHost } from "./scope-host.js";

/** What preparing needs of the scope: its async build of a scoped module. */
export interface PreparingScope {
  instanceAsync(plan: Plan): unknown;
}

/** Builds, before `plan` itself, the async modules its build edges reach. */
export async function prepare(
  scope: PreparingScope,
  host: ScopeHost,
  plan: Plan,
  seen: Set<ModuleNode>,
): Promise<void> {
  const { node } = plan;
  for (let i = 0; i < node.def.deps.length; i++) {
    if (!isBuildEdge(node.def.deps[i]!)) continue;
    for (const target of node.targets[i]!) {
      if (seen.has(target)) continue;
      seen.add(target);
      const inner = host.planOf(target);
      if (inner === null) {
        if (target.state === "pending" && target.def.scope !== "factory" && !target.def.internal)
          await host.container.resolve(target.def.handle);
        else if (target.def.scope === "factory") await prepareShared(host, target, seen);
      } else {
        await prepare(scope, host, inner, seen);
        if (inner.slot >= 0) await scope.instanceAsync(inner);
      }
    }
  }
}

/** The async singleton and lazy modules a factory module outside any scope needs. */
async function prepareShared(host: ScopeHost, node: ModuleNode, seen: Set<ModuleNode>): Promise<void> {
  for (let i = 0; i < node.def.deps.length; i++) {
    if (!isBuildEdge(node.def.deps[i]!)) continue;
    for (const target of node.targets[i]!) {
      if (seen.has(target)) continue;
      seen.add(target);
      if (target.def.scope === "factory") await prepareShared(host, target, seen);
      else if (target.state === "pending" && !target.def.internal)
        await host.container.resolve(target.def.handle);
    }
  }
}
