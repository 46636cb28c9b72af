import { isTimeout } from "./arguments.js";
import { ModuleRegistryError } from "./errors.js";
import { WeakLedger } from "./ledger.js";
import type { Constructor, MetadataValue, Scope } from "./manifest.js";

/** A dependency named in `dependencies`: `"id"`, `"id@<semver range>"` or a `@Module` class. */
export type DependencySpec = string | Constructor;

/** Options of `@Module`. Every field is optional; `@Module()` alone is valid. */
export interface ModuleOptions {
  /** Unique id; default: the class name. */
  readonly id?: string;
  /** Semver version; default `"0.0.0"`. */
  readonly version?: string;
  /** What this module offers, for `discover` and `getAll`. */
  readonly capabilities?: readonly string[];
  /** Extra build edges: built first, version-checked. */
  readonly dependencies?: readonly DependencySpec[];
  /** Edges to modules used when present and active. */
  readonly optionalDependencies?: readonly DependencySpec[];
  /** Default `"singleton"`. */
  readonly scope?: Scope;
  /** Activation condition: `env` is any of, `feature` is all of. */
  readonly when?: {
    readonly env?: string | readonly string[];
    readonly feature?: string | readonly string[];
  };
  /** Constructor parameter name -> `"id"` or `"id@range"`, to choose a provider. */
  readonly inject?: Readonly<Record<string, string>>;
  /** Plain data shown by `modules()` and `discover()`. */
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
  /** Factory scope: names of the trailing constructor parameters given at call time. */
  readonly args?: readonly string[];
  /** Bounds this module's `onInit` and `onDispose` (ms), over the container's `initTimeoutMs`. */
  readonly initTimeoutMs?: number;
  /**
   * A per-tenant module: never built by the app's container, built once per tenant in that
   * tenant's container while the tenant has it enabled (`@modreg/tenants`). It may depend on
   * shared modules and other tenant modules; a shared module depending on it is a build error.
   */
  readonly tenant?: boolean;
  /**
   * Chosen when a single-valued parameter (or `get(token)`) of an interface has several
   * active providers; two active primaries are still ambiguous.
   */
  readonly primary?: boolean;
}

/** Every class decorated in this process (weakly), so `start()` can spot one missing from the manifest. */
const decorated = new WeakLedger<Constructor>();

/** How many times `@Module` has decorated a class in this process. */
export function decorationCount(): number {
  return decorated.count;
}

/**
 * Classes `@Module` has decorated that are still alive, in decoration order; with `since`,
 * only those decorated after the first `since` decorations.
 */
export function decoratedClasses(since = 0): readonly Constructor[] {
  return decorated.alive(since);
}

/** Where `@Module` records its options on the class. */
export const MODULE_OPTIONS = Symbol.for("modreg.module");

const SCOPES: readonly Scope[] = ["singleton", "lazy", "factory", "scoped"];
const KEYS = new Set([
  "id",
  "version",
  "capabilities",
  "dependencies",
  "optionalDependencies",
  "scope",
  "when",
  "inject",
  "metadata",
  "args",
  "initTimeoutMs",
  "tenant",
  "primary",
]);

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** Problems with an options object, one sentence each; empty when it is valid. */
// eslint-disable-next-line no-control-regex -- what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkModuleOptions(options: unknown): string[] {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return ["options must be an object literal"];
  }
  const o = options as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(o)) if (!KEYS.has(key)) problems.push(`unknown option "${key}"`);
  if (o["id"] !== undefined && (typeof o["id"] !== "string" || o["id"] === "")) {
    problems.push("id must be a non-empty string");
  } else if (typeof o["id"] === "string" && CONTROL.test(o["id"])) {
    problems.push("id must not contain control characters (such as \\0)");
  }
  if (o["version"] !== undefined && typeof o["version"] !== "string")
    problems.push("version must be a string");
  if (o["scope"] !== undefined && !SCOPES.includes(o["scope"] as Scope)) {
    problems.push(`scope must be one of ${SCOPES.map((s) => `"${s}"`).join(", ")}`);
  }
  for (const key of ["capabilities", "args"]) {
    if (o[key] !== undefined && !isStringList(o[key])) problems.push(`${key} must be an array of strings`);
  }
  for (const key of ["dependencies", "optionalDependencies"]) {
    const list = o[key];
    if (
      list !== undefined &&
      (!Array.isArray(list) || !list.every((d) => typeof d === "string" || typeof d === "function"))
    ) {
      problems.push(`${key} must be an array of "id", "id@range" strings or classes`);
    }
  }
  const when = o["when"];
  if (when !== undefined) {
    const w = when as Record<string, unknown>;
    if (typeof when !== "object" || when === null || Array.isArray(when)) {
      problems.push("when must be an object");
    } else {
      for (const key of Object.keys(w)) {
        if (key !== "env" && key !== "feature") problems.push(`unknown condition "when.${key}"`);
        else if (typeof w[key] !== "string" && !isStringList(w[key])) {
          problems.push(`when.${key} must be a string or an array of strings`);
        }
      }
    }
  }
  for (const key of ["inject", "metadata"]) {
    const value = o[key];
    if (value === undefined) continue;
    const valid =
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((v) =>
        key === "inject" ? typeof v === "string" : ["string", "number", "boolean"].includes(typeof v),
      );
    if (!valid) {
      problems.push(
        key === "inject"
          ? "inject must map parameter names to module ids"
          : "metadata values must be strings, numbers or booleans",
      );
    }
  }
  if (o["initTimeoutMs"] !== undefined && !isTimeout(o["initTimeoutMs"])) {
    problems.push("initTimeoutMs must be a positive number of milliseconds");
  }
  if (o["tenant"] !== undefined && typeof o["tenant"] !== "boolean")
    problems.push("tenant must be a boolean");
  if (o["primary"] !== undefined && typeof o["primary"] !== "boolean")
    problems.push("primary must be a boolean");
  if (o["args"] !== undefined && (o["scope"] ?? "singleton") !== "factory") {
    problems.push('args is only valid with scope "factory"');
  }
  return problems;
}

/**
 * Marks a class as a module. The codegen reads the options statically; at run time the
 * decorator only records them on the class (under `Symbol.for("modreg.module")`), never
 * wraps or replaces it, and needs neither `emitDecoratorMetadata` nor a reflection polyfill.
 * Works as a TC39 standard decorator and under `experimentalDecorators`.
 *
 * @example
 * @Module({ capabilities: ["storage"], scope: "lazy" })
 * export class Database {
 *   constructor(private readonly config: Config) {}
 * }
 */
export function Module(
  options: ModuleOptions = {},
): <C extends Constructor>(target: C, context?: ClassDecoratorContext<C>) => void {
  const problems = checkModuleOptions(options);
  return (target) => {
    if (problems.length > 0) {
      // `options` failed the check, so it may be null or hold an id that is not a string.
      const id = (options as { id?: unknown } | null)?.id;
      throw new ModuleRegistryError(
        "MODULE_INVALID_OPTIONS",
        `@Module on class ${target.name}: ${problems.join("; ")}. Fix the decorator arguments; \`modreg generate\` reports the same at build time.`,
        { moduleId: typeof id === "string" && id !== "" ? id : target.name },
      );
    }
    Object.defineProperty(target, MODULE_OPTIONS, {
      value: Object.freeze({ ...options }),
      configurable: true,
    });
    decorated.note(target);
  };
}

/** The options `@Module` recorded on this very class (not inherited), if any. */
export function moduleOptionsOf(target: Constructor): ModuleOptions | undefined {
  return Object.prototype.hasOwnProperty.call(target, MODULE_OPTIONS)
    ? ((target as unknown as Record<symbol, ModuleOptions>)[MODULE_OPTIONS] ?? undefined)
    : undefined;
}

/**
 * Splits `"id@range"` at its last `@` (a leading `@` belongs to a scoped id):
 * `"@acme/pdf@^1.2.0"` is id `@acme/pdf`, range `^1.2.0`; `"@acme/pdf"` has no range.
 */
export function parseDependencySpec(spec: string): { id: string; range?: string } {
  const at = spec.lastIndexOf("@");
  return at > 0 ? { id: spec.slice(0, at), range: spec.slice(at + 1) } : { id: spec };
}
