/**
 * Input checks shared by the stores and the flag service: every bad input is a
 * `ModuleRegistryError` with code `INVALID_ARGUMENT` that names what was wrong and where.
 */
import { compareIds, ModuleRegistryError } from "@modreg/core";
import type { FlagValue, TenantChange, TenantState } from "./store.js";

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${value}`;
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

export function invalid(where: string, message: string): ModuleRegistryError {
  return new ModuleRegistryError("INVALID_ARGUMENT", `${where}: ${message}`);
}

/** A tenant id: a non-empty string of at most 256 characters. */
export function checkTenantId(where: string, tenantId: unknown): string {
  if (typeof tenantId !== "string" || tenantId.length === 0 || tenantId.length > 256) {
    throw invalid(
      where,
      `the tenant id must be a non-empty string of at most 256 characters, got ${describe(tenantId)}`,
    );
  }
  return tenantId;
}

/** An update callback. */
export function checkUpdate(where: string, update: unknown): void {
  if (typeof update !== "function")
    throw invalid(where, `update must be a function, got ${describe(update)}`);
}

/** A flag name: a non-empty string. */
export function checkFlagName(where: string, flag: unknown): string {
  if (typeof flag !== "string" || flag.length === 0) {
    throw invalid(where, `a flag name must be a non-empty string, got ${describe(flag)}`);
  }
  return flag;
}

export function isFlagValue(value: unknown): value is FlagValue {
  return (
    typeof value === "boolean" ||
    typeof value === "string" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A flag record: a plain object whose values are booleans, strings or finite numbers.
 * Returns a frozen copy with sorted keys, so stored and cached records never alias user objects.
 */
export function checkFlags(where: string, flags: unknown): Readonly<Record<string, FlagValue>> {
  if (!isPlainObject(flags)) {
    throw invalid(
      where,
      `flags must be a plain object of boolean, string or number values, got ${describe(flags)}`,
    );
  }
  const entries: [string, FlagValue][] = [];
  for (const key of Object.keys(flags).sort(compareIds)) {
    const value = flags[key];
    checkFlagName(where, key);
    if (!isFlagValue(value)) {
      throw invalid(
        where,
        `flag "${key}" must be a boolean, a string or a finite number, got ${describe(value)}`,
      );
    }
    entries.push([key, value]);
  }
  // fromEntries defines own properties, so a flag named "__proto__" stays a flag.
  return Object.freeze(Object.fromEntries(entries));
}

/** A module list: an array of non-empty strings. Returns a frozen, sorted copy without duplicates. */
export function checkModules(where: string, modules: unknown): readonly string[] {
  if (!Array.isArray(modules))
    throw invalid(where, `modules must be an array of module ids, got ${describe(modules)}`);
  for (const id of modules as unknown[]) {
    if (typeof id !== "string" || id.length === 0) {
      throw invalid(where, `a module id must be a non-empty string, got ${describe(id)}`);
    }
  }
  return Object.freeze([...new Set(modules as string[])].sort(compareIds));
}

/** Applies what an `update` callback returned to `current`: the next state, revision + 1. */
export function applyChange(where: string, current: TenantState, change: unknown): TenantState {
  if (!isPlainObject(change)) {
    throw invalid(where, `the update callback must return { modules?, flags? }, got ${describe(change)}`);
  }
  for (const key of Object.keys(change)) {
    if (key !== "modules" && key !== "flags") {
      throw invalid(
        where,
        `the update callback returned an unknown field "${key}" (expected modules, flags)`,
      );
    }
  }
  const { modules, flags } = change as TenantChange;
  return Object.freeze({
    tenantId: current.tenantId,
    modules: modules === undefined ? current.modules : checkModules(where, modules),
    flags: flags === undefined ? current.flags : checkFlags(where, flags),
    revision: current.revision + 1,
  });
}

/** The state rebuilt from stored columns, checked as if it came from a caller. */
export function stateOf(
  where: string,
  tenantId: string,
  modules: unknown,
  flags: unknown,
  revision: number,
): TenantState {
  return Object.freeze({
    tenantId,
    modules: checkModules(where, modules),
    flags: checkFlags(where, flags),
    revision,
  });
}
