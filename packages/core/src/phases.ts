/**
 * The hooks a built instance is taken through after it is constructed: how it is disposed
 * (class methods, a provider's hooks, the standard dispose symbols).
 */
import type { Definition } from "./node.js";

interface Disposable {
  onDispose?: () => unknown;
  [Symbol.asyncDispose]?: () => unknown;
  [Symbol.dispose]?: () => unknown;
}

/**
 * Disposes one instance and returns what its hook returned (a promise to await, or not):
 * a provider's `hooks.dispose(value)`, else the value's `onDispose` (classes only),
 * `[Symbol.asyncDispose]` or `[Symbol.dispose]`. A provider with `dispose: false` is left alone.
 */
export function disposeInstance(def: Definition, instance: unknown): unknown {
  const hook = def.provider?.hooks.dispose;
  if (hook === false) return undefined;
  if (typeof hook === "function") return hook(instance as never);
  return disposeMethod(def, instance)?.call(instance);
}

/** True when `disposeInstance` would call something for `instance`. */
export function hasDisposer(def: Definition, instance: unknown): boolean {
  const hook = def.provider?.hooks.dispose;
  if (hook === false) return false;
  return typeof hook === "function" || disposeMethod(def, instance) !== undefined;
}

/** The instance's own dispose method: `onDispose` (classes only), `[Symbol.asyncDispose]` or `[Symbol.dispose]`. */
function disposeMethod(def: Definition, instance: unknown): (() => unknown) | undefined {
  if (typeof instance !== "object" && typeof instance !== "function") return undefined;
  const value = instance as Disposable | null;
  const method =
    (def.provider === undefined ? value?.onDispose : undefined) ??
    value?.[Symbol.asyncDispose] ??
    value?.[Symbol.dispose];
  return typeof method === "function" ? method : undefined;
}

/** What building a module runs, for messages: a constructor or a provider function. */
export function builderOf(def: Definition): string {
  return def.provider === undefined ? "its constructor" : "its provider function";
}
