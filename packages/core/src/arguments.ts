/**
 * Argument checks of the public API, so a wrong value from untyped code is a coded error
 * that names the argument and what was expected, never a `TypeError` from deep inside.
 * Options objects (`createContainer`, `register`, overrides) fail with
 * `MODULE_INVALID_OPTIONS`; other arguments with `INVALID_ARGUMENT`.
 */
import { ModuleRegistryError, type ModuleRegistryErrorCode } from "./errors.js";
import { isProvider } from "./provider.js";
import { isToken } from "./tokens.js";

/** A short, safe description of a value for a message: `null`, `"a" (a string)`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (a string)`;
    case "number":
    case "boolean":
    case "bigint":
      return `${String(value)} (a ${typeof value})`;
    case "function":
      return value.name ? `function ${value.name}` : "a function";
    case "symbol":
      return "a symbol";
    default:
      return "an object";
  }
}

function fail(code: ModuleRegistryErrorCode, where: string, problem: string): never {
  throw new ModuleRegistryError(code, `${where}: ${problem}.`);
}

/** True for `{...}` literals and `Object.create(null)`, not for arrays, maps or class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** The first entry of an array that is not a string, as ` (name[i] is …)`, or `""`. */
function badEntry(name: string, value: readonly unknown[]): string {
  const i = value.findIndex((v) => typeof v !== "string");
  return i < 0 ? "" : ` (${name}[${i}] is ${describeValue(value[i])})`;
}

/**
 * Checks that `value` is an options object (or undefined) with only `known` keys; returns it
 * as a record. `where` reads like `start(options)`.
 */
export function optionsObject(
  code: ModuleRegistryErrorCode,
  where: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(code, where, `options must be an object { ${known.join("?, ")}? }, got ${describeValue(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) {
      fail(code, where, `unknown option "${key}" (known: ${known.join(", ")})`);
    }
  }
  return record;
}

/** Checks an optional field of an options object with a type guard. */
function field(
  code: ModuleRegistryErrorCode,
  where: string,
  record: Record<string, unknown>,
  key: string,
  valid: (value: unknown) => boolean,
  expected: string,
): void {
  const value = record[key];
  if (value !== undefined && !valid(value)) {
    fail(code, where, `${key} must be ${expected}, got ${describeValue(value)}`);
  }
}

const CONTAINER_OPTIONS = ["env", "features", "overrides", "timings", "onWarning", "initTimeoutMs"] as const;

/** A timeout in milliseconds: a positive finite number. */
export function isTimeout(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/** `createContainer`'s options. */
export function checkContainerOptions(options: unknown): void {
  const code = "MODULE_INVALID_OPTIONS";
  const where = "createContainer(manifest, options)";
  const o = optionsObject(code, where, options, CONTAINER_OPTIONS);
  field(code, where, o, "env", (v) => typeof v === "string", "a string");
  field(code, where, o, "timings", (v) => typeof v === "boolean", "a boolean");
  field(code, where, o, "onWarning", (v) => typeof v === "function", "a function (message) => void");
  field(code, where, o, "initTimeoutMs", isTimeout, "a positive number of milliseconds");
  field(
    code,
    where,
    o,
    "overrides",
    Array.isArray,
    "an array of { provide, useValue | useClass | useFactory }",
  );
  checkFeatures(code, where, o["features"]);
}

/** `features`: a map of feature name -> boolean, or an array of names. */
function checkFeatures(code: ModuleRegistryErrorCode, where: string, features: unknown): void {
  if (features === undefined) return;
  const expected = "a map of feature name -> boolean, or an array of feature names (strings)";
  if (Array.isArray(features)) {
    if (!isStringArray(features))
      fail(code, where, `features must be ${expected}${badEntry("features", features)}`);
    return;
  }
  if (!isPlainObject(features))
    fail(code, where, `features must be ${expected}, got ${describeValue(features)}`);
  for (const [name, on] of Object.entries(features)) {
    if (typeof on !== "boolean") {
      fail(code, where, `features.${name} must be a boolean, got ${describeValue(on)}`);
    }
  }
}

/** `overrides` of `createContainer` or `child`. */
export function checkOverrides(where: string, overrides: unknown): void {
  if (overrides !== undefined && !Array.isArray(overrides)) {
    fail(
      "MODULE_INVALID_OPTIONS",
      where,
      `overrides must be an array of { provide, useValue | useClass | useFactory }, got ${describeValue(overrides)}`,
    );
  }
}

/** True for what names a module: a class, an id or a token. */
export function isModuleKey(key: unknown): boolean {
  return typeof key === "function" || typeof key === "string" || isToken(key) || isProvider(key);
}

/** `get(key)` and its siblings: a class, an id, a token or a provider. */
export function checkKey(where: string, key: unknown): void {
  if (!isModuleKey(key)) {
    fail(
      "INVALID_ARGUMENT",
      `${where}(key)`,
      `expected a class, an id, a token or a provider, got ${describeValue(key)}`,
    );
  }
}

/** `start`'s options. */
export function checkStartOptions(options: unknown): void {
  const code = "INVALID_ARGUMENT";
  const where = "start(options)";
  const o = optionsObject(code, where, options, ["roots", "isolateFailures"]);
  field(code, where, o, "isolateFailures", (v) => typeof v === "boolean", "a boolean");
  const roots = o["roots"];
  if (roots === undefined) return;
  if (!Array.isArray(roots)) {
    fail(code, where, `roots must be an array of classes, ids or tokens, got ${describeValue(roots)}`);
  }
  const bad = roots.findIndex((root) => !isModuleKey(root));
  if (bad >= 0) {
    fail(code, where, `roots[${bad}] must be a class, an id or a token, got ${describeValue(roots[bad])}`);
  }
}

/** A `discover` query (also what `getAll` takes besides a token). */
export function checkQuery(where: string, query: unknown): void {
  const code = "INVALID_ARGUMENT";
  const o = optionsObject(code, `${where}(query)`, query, ["capabilities", "optional"]);
  for (const key of ["capabilities", "optional"]) {
    const value = o[key];
    if (value !== undefined && !isStringArray(value)) {
      fail(
        code,
        `${where}(query)`,
        `${key} must be an array of strings, got ${Array.isArray(value) ? `an array${badEntry(key, value)}` : describeValue(value)}`,
      );
    }
  }
}

/** `getAll`'s argument: a token, or a query object. */
export function checkGetAllQuery(query: unknown, where = "getAll"): void {
  if (isToken(query)) return;
  if (typeof query !== "object" || query === null || Array.isArray(query)) {
    fail(
      "INVALID_ARGUMENT",
      `${where}(query)`,
      `expected a token (tokens.X) or a query { capabilities?, optional? }, got ${describeValue(query)}. ` +
        "For one module by class or id, use get()",
    );
  }
  checkQuery(where, query);
}

/** `create(key, ...args)` of a module: it must be factory-scoped and get its number of runtime arguments. */
export function checkCreate(
  key: string,
  node: { readonly id: string; readonly def: { readonly scope: string; readonly args: number } },
  count: number,
): void {
  if (node.def.scope !== "factory") {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `create(${key}): module "${node.id}" is ${node.def.scope}-scoped, not factory. Use get() for it.`,
      { moduleId: node.id },
    );
  }
  if (count !== node.def.args) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `create(${key}): module "${node.id}" takes ${node.def.args} runtime argument(s), got ${count}.`,
      { moduleId: node.id },
    );
  }
}

/** `graph.dependenciesOf` / `dependentsOf`. */
export function checkTraversal(where: string, id: unknown, options: unknown): void {
  if (typeof id !== "string") {
    fail(
      "INVALID_ARGUMENT",
      `graph.${where}(id)`,
      `id must be a module id (a string), got ${describeValue(id)}`,
    );
  }
  const o = optionsObject("INVALID_ARGUMENT", `graph.${where}(id, options)`, options, ["transitive"]);
  field(
    "INVALID_ARGUMENT",
    `graph.${where}(id, options)`,
    o,
    "transitive",
    (v) => typeof v === "boolean",
    "a boolean",
  );
}

/** `child`'s options. */
export function checkChildOptions(options: unknown): void {
  const o = optionsObject("INVALID_ARGUMENT", "child(options)", options, ["overrides", "features"]);
  checkOverrides("child(options)", o["overrides"]);
  checkFeatures("INVALID_ARGUMENT", "child(options)", o["features"]);
}

const EVENTS = ["built", "initialized", "disposed", "failed"];

/** `on(event, handler)`. */
export function checkSubscription(event: unknown, handler: unknown): void {
  if (typeof event !== "string" || !EVENTS.includes(event)) {
    fail(
      "INVALID_ARGUMENT",
      "on(event, handler)",
      `unknown event ${describeValue(event)}; events are ${EVENTS.join(", ")}`,
    );
  }
  if (typeof handler !== "function") {
    fail(
      "INVALID_ARGUMENT",
      `on("${event}", handler)`,
      `handler must be a function, got ${describeValue(handler)}`,
    );
  }
}

/** `register(target, options)`: `params`, besides the decorator options `checkModuleOptions` covers. */
export function checkRegisterParams(name: string, options: unknown): void {
  const where = `register(${name})`;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    fail("MODULE_INVALID_OPTIONS", where, `options must be an object, got ${describeValue(options)}`);
  }
  const params = (options as { params?: unknown }).params;
  if (params === undefined) return;
  if (!Array.isArray(params)) {
    fail(
      "MODULE_INVALID_OPTIONS",
      where,
      `params must be an array of classes, ids or tokens, got ${describeValue(params)}`,
    );
  }
  const bad = params.findIndex((p) => !isModuleKey(p));
  if (bad >= 0) {
    fail(
      "MODULE_INVALID_OPTIONS",
      where,
      `params[${bad}] must be a class, an "id"/"id@range" string or a token, got ${describeValue(params[bad])}`,
    );
  }
}

/** `unload(ids)`: one id or an array of ids. */
export function checkUnloadIds(ids: unknown): string[] {
  const list: unknown[] =
    typeof ids === "string" ? [ids] : Array.isArray(ids) ? [...(ids as unknown[])] : [ids];
  if (list.some((id) => typeof id !== "string")) {
    throw new ModuleRegistryError("INVALID_ARGUMENT", "unload() takes a module id or an array of ids.");
  }
  return list as string[];
}
