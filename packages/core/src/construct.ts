/**
 * The one shared construction path: what builds a module whose record has no `create` of
 * its own (a packed manifest's singleton and lazy modules, a `register`ed class, a `useClass`
 * override). One function for every module, so a start-up that builds thousands of modules
 * once compiles it once, where a direct `create` per module would each be compiled.
 */
import { readDependency } from "./dependencies.js";
import type { Constructor, DependencyRecord, Resolve } from "./manifest.js";
import type { ModuleNode } from "./node.js";
import type { Provider } from "./provider.js";

type Create = (r: Resolve, args: readonly unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => unknown;

/** A class on the shared path, with how many dependencies its constructor takes. */
export interface SharedConstruction {
  readonly ctor: Ctor;
  readonly count: number;
  /** Every constructor dependency is a single value (no `Lazy`, `Factory`, array or `Resolver`). */
  readonly plain: boolean;
}

/**
 * `create` for `handle` (a class, or a `provide()` result): its first `count` dependencies
 * read through `r`, then the runtime arguments, passed to the constructor (or to `fn`).
 */
export function sharedCreate(handle: Constructor | Provider, count: number): Create {
  if (typeof handle === "function") {
    const C = handle as unknown as Ctor;
    return (r, a) => (a.length === 0 ? construct(C, count, call, r) : new C(...dependencies(r, count, a)));
  }
  const provider = handle as Provider<unknown, unknown[]>;
  return (r, a) => provider.fn(...dependencies(r, count, a));
}

/**
 * A definition's `create` on the shared path and, for a class, what lets the container call
 * its constructor with a node's dependencies directly (`constructShared`), without an `r(i)`
 * function per node.
 */
export function sharedFields(
  handle: Constructor | Provider,
  deps: readonly DependencyRecord[],
): { create: Create; shared: SharedConstruction | undefined } {
  const count = parameterCount(deps);
  return { create: sharedCreate(handle, count), shared: sharedConstruction(handle, deps, count) };
}

/** What `constructShared` needs of a class whose constructor takes the first `count` of `deps`; `undefined` for a provider. */
export function sharedConstruction(
  handle: Constructor | Provider,
  deps: readonly DependencyRecord[],
  count: number,
): SharedConstruction | undefined {
  if (typeof handle !== "function") return undefined;
  let plain = true;
  for (let i = 0; i < count && plain; i++) {
    const dep = deps[i]!;
    plain = (dep.inject === undefined || dep.inject === "value") && dep.multi !== true;
  }
  return { ctor: handle as unknown as Ctor, count, plain };
}

/** A new instance of a shared-path class of `node`, its dependencies read as `r(i)` would. */
export function constructShared(shared: SharedConstruction, node: ModuleNode): unknown {
  return construct(shared.ctor, shared.count, shared.plain ? readValue : readDependency, node);
}

/** `readDependency` of a single-value dependency: a built target's instance read directly. */
function readValue(node: ModuleNode, i: number): unknown {
  const target = node.targets[i]?.[0];
  return target !== undefined && target.state === "ready" ? target.instance : readDependency(node, i);
}

const call = (r: Resolve, i: number): unknown => r(i);

/** `new C(read(from, 0), …, read(from, count - 1))`, without an array of arguments for the usual few. */
function construct<F>(C: Ctor, count: number, read: (from: F, i: number) => unknown, from: F): unknown {
  switch (count) {
    case 0:
      return new C();
    case 1:
      return new C(read(from, 0));
    case 2:
      return new C(read(from, 0), read(from, 1));
    case 3:
      return new C(read(from, 0), read(from, 1), read(from, 2));
    case 4:
      return new C(read(from, 0), read(from, 1), read(from, 2), read(from, 3));
    default: {
      const values: unknown[] = [];
      for (let i = 0; i < count; i++) values.push(read(from, i));
      return new C(...values);
    }
  }
}

function dependencies(r: Resolve, count: number, args: readonly unknown[]): unknown[] {
  const values: unknown[] = [];
  for (let i = 0; i < count; i++) values.push(r(i));
  for (const arg of args) values.push(arg);
  return values;
}

/** How many values a record's constructor takes from its `deps`: those not `inject: "none"`. */
export function parameterCount(deps: readonly { readonly inject?: string }[]): number {
  let count = 0;
  for (let i = 0; i < deps.length; i++) if (deps[i]!.inject !== "none") count++;
  return count;
}
