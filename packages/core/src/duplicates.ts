import { describeKey } from "./definitions.js";
import { ModuleRegistryError } from "./errors.js";
import type { Definition } from "./node.js";

/** Where a definition came from, for messages: `class Database (my-app)`. */
function where(def: Definition, packages: readonly string[]): string {
  return `${describeKey(def.handle)} (${def.origin < 0 ? "register" : packages[def.origin]})`;
}

/** Two modules with one id. */
export function duplicateIdError(
  id: string,
  first: Definition,
  second: Definition,
  packages: readonly string[],
): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_DUPLICATE_ID",
    `two modules have the id "${id}": ${where(first, packages)} and ${where(second, packages)}. Give one of them another \`id\`.`,
    { moduleId: id },
  );
}

/** One class (or provider) under two ids. */
export function duplicateClassError(first: Definition, second: Definition): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_DUPLICATE_ID",
    `${describeKey(second.handle)} is already module "${first.id}"; it cannot also be "${second.id}". Register a subclass, or use the existing id.`,
    { moduleId: second.id },
  );
}

/**
 * Throws when two of `defs` share an id or a class (or provider). `defs` is sorted by id, so equal ids
 * are neighbours. Checked once per manifest whatever it claims (`validated` included).
 */
export function assertUnique(defs: readonly Definition[], packages: readonly string[]): void {
  const byHandle = new Map<unknown, Definition>();
  for (let i = 0; i < defs.length; i++) {
    const def = defs[i]!;
    const previous = defs[i - 1];
    if (previous !== undefined && previous.id === def.id) {
      throw duplicateIdError(def.id, previous, def, packages);
    }
    const sameClass = byHandle.get(def.handle);
    if (sameClass !== undefined) throw duplicateClassError(sameClass, def);
    byHandle.set(def.handle, def);
  }
}
