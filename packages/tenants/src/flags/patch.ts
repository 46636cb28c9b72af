/** Checking and applying a flag patch: `{ flag: value }` sets, `{ flag: null }` removes. */
import type { FlagValue } from "../store.js";
import { checkFlagName, describe, invalid, isFlagValue, isPlainObject } from "../validate.js";
import type { FlagPatch } from "./types.js";

/** A frozen copy of `patch`, or INVALID_ARGUMENT naming the offending flag. */
export function checkPatch(where: string, patch: unknown): FlagPatch {
  if (!isPlainObject(patch)) {
    throw invalid(
      where,
      `the patch must be a plain object of flag name -> boolean, string, finite number or null (to remove), got ${describe(patch)}`,
    );
  }
  const entries: [string, FlagValue | null][] = [];
  for (const [key, value] of Object.entries(patch)) {
    checkFlagName(where, key);
    if (value !== null && !isFlagValue(value)) {
      throw invalid(
        where,
        `flag "${key}" must be a boolean, a string, a finite number or null (to remove), got ${describe(value)}`,
      );
    }
    entries.push([key, value]);
  }
  return Object.freeze(Object.fromEntries(entries));
}

/** `flags` with `patch` applied. */
export function applyPatch(
  flags: Readonly<Record<string, FlagValue>>,
  patch: FlagPatch,
): Record<string, FlagValue> {
  const next: Record<string, FlagValue> = Object.fromEntries(Object.entries(flags));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}
