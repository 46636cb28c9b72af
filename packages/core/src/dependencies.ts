/**
 * How generated `create(r)` functions read their dependencies: `r(i)` for one module,
 * chosen once per module when the container links it, so resolving allocates nothing for a
 * built or factory-scoped target.
 */
import { ModuleRegistryError } from "./errors.js";
import type { Lifecycle } from "./lifecycle.js";
import type { ModuleNode } from "./node.js";

/**
 * Errors the container raises about the graph itself while a constructor runs (a manifest
 * read past its dependencies): they surface as they are, not wrapped as a load failure.
 */
const structural = new WeakSet<object>();

/** An error to surface as it is when it passes through a constructor. */
export function markStructural<E extends object>(error: E): E {
  structural.add(error);
  return error;
}

/** True for an error `markStructural` marked. */
export function isStructural(error: unknown): boolean {
  return typeof error === "object" && error !== null && structural.has(error);
}

/** Every usable instance among `targets` (failed and skipped providers are left out). */
function instancesOf(targets: readonly ModuleNode[]): unknown[] {
  const values: unknown[] = [];
  for (const target of targets) {
    if (target.state === "failed" || target.state === "skipped") continue;
    values.push((target.owner as Lifecycle).instanceFor(target));
  }
  return values;
}

/**
 * `r(i)` for a factory module, chosen once per dependency: a built singleton or lazy target
 * is read from a plain array, a factory target's `make` is called directly, anything else
 * goes through `readDependency`.
 */
export function compiledResolve(node: ModuleNode): (i: number) => unknown {
  const { deps } = node.def;
  const direct: (ModuleNode | undefined)[] = [];
  const getters: (() => unknown)[] = [];
  deps.forEach((dep, i) => {
    const target = node.targets[i]![0];
    const single = (dep.inject ?? "value") === "value" && !dep.multi && target !== undefined;
    direct.push(single && target.make === undefined ? target : undefined);
    getters.push(single && target.make !== undefined ? target.make : () => readDependency(node, i));
  });
  if (deps.length === 1) {
    // A captured function called directly is what V8 inlines best: chains of factories.
    const only = getters[0]!;
    const target = direct[0];
    if (target === undefined) return (i) => (i === 0 ? only() : readDependency(node, i));
    return (i) => (i === 0 && target.state === "ready" ? target.instance : readDependency(node, i));
  }
  return (i) => {
    const target = direct[i];
    if (target !== undefined && target.state === "ready") return target.instance;
    const getter = getters[i];
    return getter !== undefined ? getter() : readDependency(node, i);
  };
}

/**
 * The value of dependency `i` of `node`: what `r(i)` returns. Reads plain fields, allocates
 * nothing for a built or factory-scoped target.
 */
export function readDependency(node: ModuleNode, i: number): unknown {
  const dep = node.def.deps[i];
  if (dep === undefined) {
    const error = new ModuleRegistryError(
      "INVALID_MANIFEST",
      `module "${node.id}" reads dependency ${i}, but its manifest record lists ${node.def.deps.length}. Regenerate the manifest with \`modreg generate\`.`,
      { moduleId: node.id },
    );
    throw markStructural(error);
  }
  const targets = node.targets[i]!;
  const inject = dep.inject;
  if (inject === undefined || inject === "value") {
    if (dep.multi) return instancesOf(targets);
    const target = targets[0];
    if (target === undefined) return undefined;
    if (target.state === "ready") return target.instance;
    return target.make !== undefined ? target.make() : (target.owner as Lifecycle).instanceFor(target, dep);
  }
  if (inject === "none") return undefined;
  // `Resolver`: the container that builds this module (a child's own copy gets the child)
  if (inject === "resolver") return node.owner;
  if (dep.multi) return () => instancesOf(targets);
  const target = targets[0];
  if (target === undefined) return undefined;
  const owner = target.owner as Lifecycle;
  if (inject === "factory") return (...args: unknown[]) => owner.produce(target, args);
  let done = false;
  let value: unknown;
  return () => (done ? value : ((value = owner.instanceFor(target, dep)), (done = true), value));
}
