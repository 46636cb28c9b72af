import { ModuleRegistryError } from "./errors.js";
import type { Definition } from "./node.js";

/** Where a definition came from, for messages: `class Database (my-app)`. */
function where(def: Definition, packages: readonly string[]): string {
  return `class ${def.cls.name} (${def.origin < 0 ? "register" : packages[def.origin]})`;
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

/** One class under two ids. */
export function duplicateClassError(first: Definition, second: Definition): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_DUPLICATE_ID",
    `class ${second.cls.name} is already module "${first.id}"; it cannot also be "${second.id}". Register a subclass, or use the existing id.`,
    { moduleId: second.id },
  );
}

/**
 * Throws when two of `defs` share an id or a class. `defs` is sorted by id, so equal ids
 * are neighbours. Checked once per manifest whatever it claims (`validated` included).
 */
export function assertUnique(defs: readonly Definition[], packages: readonly string[]): void {
  const byClass = new Map<unknown, Definition>();
  for (let i = 0; i < defs.length; i++) {
    const def = defs[i]!;
    const previous = defs[i - 1];
    if (previous !== undefined && previous.id === def.id) {
      throw duplicateIdError(def.id, previous, def, packages);
    }
    const sameClass = byClass.get(def.cls);
    if (sameClass !== undefined) throw duplicateClassError(sameClass, def);
    byClass.set(def.cls, def);
  }
}
