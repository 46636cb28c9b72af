/**
 * The one shared construction path: what builds a module whose record has no `create` of
 * its own (a packed manifest's singleton and lazy modules, a `register`ed class, a `useClass`
 * override). One function for every module, so a start-up that builds thousands of modules
 * once compiles it once, where a direct `create` per module would each be compiled.
 */
import type { Constructor, Resolve } from "./manifest.js";
import type { Provider } from "./provider.js";

type Create = (r: Resolve, args: readonly unknown[]) => unknown;

/**
 * `create` for `handle` (a class, or a `provide()` result): its first `count` dependencies
 * read through `r`, then the runtime arguments, passed to the constructor (or to `fn`).
 */
export function sharedCreate(handle: Constructor | Provider, count: number): Create {
  if (typeof handle === "function") {
    const Ctor = handle as unknown as new (...args: unknown[]) => unknown;
    return (r, a) => (a.length === 0 ? construct(Ctor, r, count) : new Ctor(...dependencies(r, count, a)));
  }
  const provider = handle as Provider<unknown, unknown[]>;
  return (r, a) => provider.fn(...dependencies(r, count, a));
}

/** `new Ctor(r(0), …, r(count - 1))`, without an array of arguments for the usual few. */
function construct(Ctor: new (...args: unknown[]) => unknown, r: Resolve, count: number): unknown {
  switch (count) {
    case 0:
      return new Ctor();
    case 1:
      return new Ctor(r(0));
    case 2:
      return new Ctor(r(0), r(1));
    case 3:
      return new Ctor(r(0), r(1), r(2));
    case 4:
      return new Ctor(r(0), r(1), r(2), r(3));
    default:
      return new Ctor(...dependencies(r, count, []));
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
  for (const dep of deps) if (dep.inject !== "none") count++;
  return count;
}
