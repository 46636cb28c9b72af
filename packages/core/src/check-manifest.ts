import { ModuleRegistryError } from "./errors.js";
import { MANIFEST_FORMAT_VERSION, type Manifest } from "./manifest.js";

const SCOPES = new Set(["singleton", "lazy", "factory"]);
const INJECTIONS = new Set(["value", "lazy", "factory", "none"]);

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Problems with one module record, each a short sentence. */
function recordProblems(record: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof record["id"] !== "string" || record["id"] === "") problems.push("id must be a non-empty string");
  if (typeof record["class"] !== "function") problems.push("class must be a class");
  if (typeof record["create"] !== "function") problems.push("create must be a function");
  if (record["version"] !== undefined && typeof record["version"] !== "string") {
    problems.push("version must be a string");
  }
  if (record["scope"] !== undefined && !SCOPES.has(record["scope"] as string)) {
    problems.push(`scope ${JSON.stringify(record["scope"])} is not singleton, lazy or factory`);
  }
  for (const key of ["capabilities", "provides"]) {
    if (record[key] !== undefined && !isStringArray(record[key]))
      problems.push(`${key} must be a string array`);
  }
  if (
    record["args"] !== undefined &&
    !(Number.isInteger(record["args"]) && (record["args"] as number) >= 0)
  ) {
    problems.push("args must be a whole number");
  }
  const when = record["when"] as Record<string, unknown> | undefined;
  if (when !== undefined) {
    if (typeof when !== "object" || when === null) problems.push("when must be an object");
    else if (!["env", "feature"].every((k) => when[k] === undefined || isStringArray(when[k]))) {
      problems.push("when.env and when.feature must be string arrays");
    }
  }
  const deps = record["deps"];
  if (deps !== undefined) {
    if (!Array.isArray(deps)) problems.push("deps must be an array");
    else {
      deps.forEach((dep: unknown, i) => {
        const d = (typeof dep === "object" && dep !== null ? dep : {}) as Record<string, unknown>;
        const hasId = typeof d["id"] === "string";
        const hasIface = typeof d["iface"] === "string";
        if (hasId === hasIface) problems.push(`deps[${i}] must have exactly one of id and iface`);
        if (d["inject"] !== undefined && !INJECTIONS.has(d["inject"] as string)) {
          problems.push(
            `deps[${i}].inject ${JSON.stringify(d["inject"])} is not value, lazy, factory or none`,
          );
        }
        if (d["range"] !== undefined && typeof d["range"] !== "string") {
          problems.push(`deps[${i}].range must be a string`);
        }
      });
    }
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
  if (typeof value !== "object" || value === null) fail("expected an object");
  const manifest = value as Record<string, unknown>;
  if (manifest["formatVersion"] !== MANIFEST_FORMAT_VERSION) {
    fail(
      `formatVersion is ${JSON.stringify(manifest["formatVersion"])}, this @modreg/core reads ${MANIFEST_FORMAT_VERSION}` +
        " (use @modreg/codegen and @modreg/core of the same version)",
    );
  }
  if (!Array.isArray(manifest["modules"])) fail("modules must be an array");
  (manifest["modules"] as unknown[]).forEach((record, i) => {
    if (typeof record !== "object" || record === null) fail(`modules[${i}] must be an object`);
    const problems = recordProblems(record as Record<string, unknown>);
    if (problems.length > 0) {
      const id = (record as { id?: unknown }).id;
      fail(`modules[${i}]${typeof id === "string" ? ` ("${id}")` : ""}: ${problems.join("; ")}`);
    }
  });
}
