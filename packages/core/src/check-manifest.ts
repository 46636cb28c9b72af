import { describeValue, isPlainObject, isTimeout } from "./arguments.js";
import { ModuleRegistryError } from "./errors.js";
import { MANIFEST_FORMAT_VERSION, type Manifest } from "./manifest.js";
import { isProvider } from "./provider.js";
import { RESOLVER_KEY } from "./resolver-key.js";

const SCOPES = new Set(["singleton", "lazy", "factory", "scoped"]);
const INJECTIONS = new Set(["value", "lazy", "factory", "none", "resolver"]);

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return false;
  return true;
}

function isIndexList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const index: unknown = value[i];
    if (!Number.isInteger(index) || (index as number) < 0) return false;
  }
  return true;
}

// The checks below are written out field by field, without a closure or an array per record:
// a first boot runs them over thousands of records in V8's interpreter.

function isSource(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { file, line, column } = value;
  return (
    typeof file === "string" && Number.isInteger(line) && (column === undefined || Number.isInteger(column))
  );
}

/** Problems with one dependency record, each prefixed with where it is (`deps[2].range …`). */
function depProblems(dep: unknown, i: number, problems: string[]): void {
  if (!isPlainObject(dep)) {
    problems.push(`deps[${i}] must be an object`);
    return;
  }
  const at = `deps[${i}]`;
  const { id, iface, inject, range, param, optional, multi } = dep;
  if ((typeof id === "string") === (typeof iface === "string")) {
    problems.push(`${at} must have exactly one of id and iface`);
  }
  if (inject !== undefined && !INJECTIONS.has(inject as string)) {
    problems.push(`${at}.inject ${JSON.stringify(inject)} is not value, lazy, factory, none or resolver`);
  } else if ((inject === "resolver") !== (iface === RESOLVER_KEY)) {
    problems.push(`${at} must have inject "resolver" exactly when iface is "${RESOLVER_KEY}"`);
  }
  if (range !== undefined && typeof range !== "string") problems.push(`${at}.range must be a string`);
  if (param !== undefined && typeof param !== "string") problems.push(`${at}.param must be a string`);
  if (optional !== undefined && typeof optional !== "boolean") {
    problems.push(`${at}.optional must be a boolean`);
  }
  if (multi !== undefined && typeof multi !== "boolean") problems.push(`${at}.multi must be a boolean`);
}

function metadataProblems(metadata: unknown, problems: string[]): void {
  if (!isPlainObject(metadata)) {
    problems.push("metadata must be a plain object of string, number or boolean values");
    return;
  }
  for (const key in metadata) {
    if (!Object.hasOwn(metadata, key)) continue;
    const type = typeof metadata[key];
    if (type !== "string" && type !== "number" && type !== "boolean") {
      problems.push(`metadata.${key} must be a string, number or boolean`);
    }
  }
}

/** Problems with one module record, each a short sentence. */
function recordProblems(record: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { id, provider, create, version, scope, capabilities, provides, asyncInit, tenant, primary } = record;
  if (typeof id !== "string" || id === "") problems.push("id must be a non-empty string");
  if (provider !== undefined) {
    if (!isProvider(provider)) problems.push("provider must be the result of provide()");
    if (record["class"] !== undefined) problems.push("a record has a class or a provider, not both");
  } else if (typeof record["class"] !== "function") problems.push("class must be a class");
  if (create !== undefined && typeof create !== "function") problems.push("create must be a function");
  if (version !== undefined && typeof version !== "string") problems.push("version must be a string");
  if (scope !== undefined && !SCOPES.has(scope as string)) {
    problems.push(`scope ${JSON.stringify(scope)} is not singleton, lazy, factory or scoped`);
  }
  if (capabilities !== undefined && !isStringArray(capabilities)) {
    problems.push("capabilities must be a string array");
  }
  if (provides !== undefined && !isStringArray(provides)) problems.push("provides must be a string array");
  if (asyncInit !== undefined && typeof asyncInit !== "boolean") problems.push("asyncInit must be a boolean");
  if (tenant !== undefined && typeof tenant !== "boolean") problems.push("tenant must be a boolean");
  if (primary !== undefined && typeof primary !== "boolean") problems.push("primary must be a boolean");
  const { args, initTimeoutMs, source, when, metadata, deps } = record;
  if (args !== undefined && !(Number.isInteger(args) && (args as number) >= 0)) {
    problems.push("args must be a whole number");
  }
  if (initTimeoutMs !== undefined && !isTimeout(initTimeoutMs)) {
    problems.push("initTimeoutMs must be a positive number of milliseconds");
  }
  if (source !== undefined && !isSource(source)) {
    problems.push("source must be { file: string, line: number, column?: number }");
  }
  if (when !== undefined) {
    if (!isPlainObject(when)) problems.push("when must be an object");
    else if (
      (when["env"] !== undefined && !isStringArray(when["env"])) ||
      (when["feature"] !== undefined && !isStringArray(when["feature"]))
    ) {
      problems.push("when.env and when.feature must be string arrays");
    }
  }
  if (metadata !== undefined) metadataProblems(metadata, problems);
  if (deps !== undefined) {
    if (!Array.isArray(deps)) problems.push("deps must be an array");
    else for (let i = 0; i < deps.length; i++) depProblems(deps[i], i, problems);
  }
  return problems;
}

/**
 * Checks a manifest's shape before anything reads it, so a hand-edited or outdated file
 * fails with `INVALID_MANIFEST` instead of a `TypeError` deep inside the container.
 */
export function assertManifest(value: unknown, what = "manifest"): asserts value is Manifest {
  const fail = (problem: string): never => {
    throw new ModuleRegistryError(
      "INVALID_MANIFEST",
      `${what} is invalid: ${problem}. Regenerate it with \`modreg generate\` (never edit it by hand).`,
    );
  };
  if (typeof value !== "object" || value === null) {
    fail(`expected the \`manifest\` export of the generated file, got ${describeValue(value)}`);
  }
  const manifest = value as Record<string, unknown>;
  if (manifest["formatVersion"] !== MANIFEST_FORMAT_VERSION) {
    fail(
      `formatVersion is ${JSON.stringify(manifest["formatVersion"])}, this @modreg/core reads ${MANIFEST_FORMAT_VERSION}` +
        " (use @modreg/codegen and @modreg/core of the same version)",
    );
  }
  if (!Array.isArray(manifest["modules"])) fail("modules must be an array");
  if (manifest["package"] !== undefined && typeof manifest["package"] !== "string") {
    fail("package must be a string");
  }
  if (manifest["validated"] !== undefined && typeof manifest["validated"] !== "boolean") {
    fail("validated must be a boolean");
  }
  const modules = manifest["modules"] as unknown[];
  const order = manifest["order"];
  // an index past the records is no shape error: `{ ...manifest, modules: fewer }` keeps the
  // generated order, which start() then finds is not one of these records and ignores
  if (order !== undefined && !isIndexList(order)) fail("order must be an array of record indices");
  for (let i = 0; i < modules.length; i++) {
    const record = modules[i];
    if (typeof record !== "object" || record === null) fail(`modules[${i}] must be an object`);
    const problems = recordProblems(record as Record<string, unknown>);
    if (problems.length > 0) {
      const id = (record as { id?: unknown }).id;
      fail(`modules[${i}]${typeof id === "string" ? ` ("${id}")` : ""}: ${problems.join("; ")}`);
    }
  }
}
