import { describeValue, isPlainObject, isTimeout } from "./arguments.js";
import { ModuleRegistryError } from "./errors.js";
import { MANIFEST_FORMAT_VERSION, type Manifest } from "./manifest.js";
import { isProvider } from "./provider.js";
import { RESOLVER_KEY } from "./resolver-key.js";

const SCOPES = new Set(["singleton", "lazy", "factory", "scoped"]);
const INJECTIONS = new Set(["value", "lazy", "factory", "none", "resolver"]);

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** `record[key]` is absent or passes `valid`; otherwise a problem `key must be <expected>`. */
function optional(
  problems: string[],
  record: Record<string, unknown>,
  key: string,
  valid: (value: unknown) => boolean,
  expected: string,
): void {
  if (record[key] !== undefined && !valid(record[key])) problems.push(`${key} must be ${expected}`);
}

const isBoolean = (v: unknown): boolean => typeof v === "boolean";
const isString = (v: unknown): boolean => typeof v === "string";

function isSource(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { file, line, column } = value;
  return (
    typeof file === "string" && Number.isInteger(line) && (column === undefined || Number.isInteger(column))
  );
}

function depProblems(deps: unknown, problems: string[]): void {
  if (!Array.isArray(deps)) {
    problems.push("deps must be an array");
    return;
  }
  deps.forEach((dep: unknown, i) => {
    if (!isPlainObject(dep)) {
      problems.push(`deps[${i}] must be an object`);
      return;
    }
    const before = problems.length;
    if (isString(dep["id"]) === isString(dep["iface"])) {
      problems.push("must have exactly one of id and iface");
    }
    if (dep["inject"] !== undefined && !INJECTIONS.has(dep["inject"] as string)) {
      problems.push(`inject ${JSON.stringify(dep["inject"])} is not value, lazy, factory, none or resolver`);
    } else if ((dep["inject"] === "resolver") !== (dep["iface"] === RESOLVER_KEY)) {
      problems.push(`must have inject "resolver" exactly when iface is "${RESOLVER_KEY}"`);
    }
    optional(problems, dep, "range", isString, "a string");
    optional(problems, dep, "param", isString, "a string");
    optional(problems, dep, "optional", isBoolean, "a boolean");
    optional(problems, dep, "multi", isBoolean, "a boolean");
    for (let p = before; p < problems.length; p++) {
      problems[p] = problems[p]!.startsWith("must")
        ? `deps[${i}] ${problems[p]}`
        : `deps[${i}].${problems[p]}`;
    }
  });
}

function metadataProblems(metadata: unknown, problems: string[]): void {
  if (!isPlainObject(metadata)) {
    problems.push("metadata must be a plain object of string, number or boolean values");
    return;
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (!["string", "number", "boolean"].includes(typeof value)) {
      problems.push(`metadata.${key} must be a string, number or boolean`);
    }
  }
}

/** Problems with one module record, each a short sentence. */
function recordProblems(record: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof record["id"] !== "string" || record["id"] === "") problems.push("id must be a non-empty string");
  if (record["provider"] !== undefined) {
    if (!isProvider(record["provider"])) problems.push("provider must be the result of provide()");
    if (record["class"] !== undefined) problems.push("a record has a class or a provider, not both");
  } else if (typeof record["class"] !== "function") problems.push("class must be a class");
  if (record["create"] !== undefined && typeof record["create"] !== "function")
    problems.push("create must be a function");
  optional(problems, record, "version", isString, "a string");
  if (record["scope"] !== undefined && !SCOPES.has(record["scope"] as string)) {
    problems.push(`scope ${JSON.stringify(record["scope"])} is not singleton, lazy, factory or scoped`);
  }
  optional(problems, record, "capabilities", isStringArray, "a string array");
  optional(problems, record, "provides", isStringArray, "a string array");
  optional(problems, record, "asyncInit", isBoolean, "a boolean");
  optional(problems, record, "tenant", isBoolean, "a boolean");
  optional(problems, record, "primary", isBoolean, "a boolean");
  optional(problems, record, "args", (v) => Number.isInteger(v) && (v as number) >= 0, "a whole number");
  optional(problems, record, "initTimeoutMs", isTimeout, "a positive number of milliseconds");
  optional(problems, record, "source", isSource, "{ file: string, line: number, column?: number }");
  const when = record["when"];
  if (when !== undefined) {
    if (!isPlainObject(when)) problems.push("when must be an object");
    else if (!["env", "feature"].every((k) => when[k] === undefined || isStringArray(when[k]))) {
      problems.push("when.env and when.feature must be string arrays");
    }
  }
  if (record["metadata"] !== undefined) metadataProblems(record["metadata"], problems);
  if (record["deps"] !== undefined) depProblems(record["deps"], problems);
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
  (manifest["modules"] as unknown[]).forEach((record, i) => {
    if (typeof record !== "object" || record === null) fail(`modules[${i}] must be an object`);
    const problems = recordProblems(record as Record<string, unknown>);
    if (problems.length > 0) {
      const id = (record as { id?: unknown }).id;
      fail(`modules[${i}]${typeof id === "string" ? ` ("${id}")` : ""}: ${problems.join("; ")}`);
    }
  });
}
