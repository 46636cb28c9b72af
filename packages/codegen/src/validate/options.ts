import { checkModuleOptions, type ConditionRecord, type MetadataValue, type Scope } from "@modreg/core";
import semver from "semver";
import { error, warning, type Diagnostic } from "../diagnostics.js";
import {
  ClassRef,
  type Location,
  type ScannedModule,
  type ScannedProvider,
  type StaticValue,
} from "../records.js";

/** A `dependencies` / `optionalDependencies` / `inject` entry: `"id"`, `"id@range"` or a class. */
export interface DependencyEntry {
  readonly spec: string | ClassRef;
  readonly location: Location;
}

/** A module whose options were read and checked. */
export interface NormalizedModule {
  readonly scanned: ScannedModule;
  readonly id: string;
  readonly version: string;
  readonly scope: Scope;
  readonly capabilities: readonly string[];
  readonly dependencies: readonly DependencyEntry[];
  readonly optionalDependencies: readonly DependencyEntry[];
  readonly when: ConditionRecord | undefined;
  /** Parameter name → entry. */
  readonly inject: ReadonlyMap<string, DependencyEntry>;
  readonly metadata: Readonly<Record<string, MetadataValue>> | undefined;
  /** Names of the trailing runtime-argument parameters. */
  readonly args: readonly string[];
  /** `initTimeoutMs`, copied into the record: bounds this module's onInit/onDispose at run time. */
  readonly initTimeoutMs: number | undefined;
  /** `tenant: true`: built per tenant, never by the app's container; shared modules cannot depend on it. */
  readonly tenant: boolean;
  /** `primary: true`: chosen among several active providers of a single-valued parameter. */
  readonly primary: boolean;
  /** Where an option was written, falling back to the whole argument. */
  where(path: string): Location;
}

/** The option a `checkModuleOptions` problem is about: `unknown option "x"` → `x`, `when.env must …` → `when.env`. */
function optionPath(problem: string): string | undefined {
  const unknown = /^unknown (?:option|condition) "([^"]+)"/.exec(problem);
  if (unknown) return unknown[1];
  return /^([A-Za-z]+(?:\.[A-Za-z]+)?) /.exec(problem)?.[1];
}

/** Checks one module's decorator options and its class shape; `module` is absent when its options are unusable. */
export function normalizeModule(scanned: ScannedModule): {
  module?: NormalizedModule;
  diagnostics: Diagnostic[];
} {
  const { options } = scanned;
  const diagnostics: Diagnostic[] = [];
  const where = (path: string): Location => options.locations.get(path) ?? options.location;
  const provider = scanned.provider;
  const label =
    scanned.className ?? (provider ? "the default-exported provider" : "the default-exported class");
  /** What the options belong to, as messages start. */
  const owner = provider ? `provide() ${label}` : `@Module on ${label}`;
  /** What has the parameters. */
  const callee = provider ? `the function of ${label}` : `the constructor of ${label}`;
  for (const e of options.errors) {
    diagnostics.push(
      error("MR2001", `${owner}: ${e.message}`, e.location, {
        hint: "use literals, arrays and object literals of them, `as const`, class names or `const` variables holding such values",
      }),
    );
  }
  const value = options.value;
  const scope = value["scope"];
  const checked = { ...(toPlain(value) as Record<string, unknown>) };
  if (scope !== "factory") delete checked["args"];
  for (const problem of checkModuleOptions(checked)) {
    const path = optionPath(problem);
    diagnostics.push(
      error("MR2002", `${owner}: ${problem}`, path === undefined ? options.location : where(path), {
        hint: "see ModuleOptions in @modreg/core for the accepted shape",
      }),
    );
  }
  if (provider !== undefined) diagnostics.push(...providerProblems(scanned, provider, label));
  else if (scanned.exportName === undefined) {
    diagnostics.push(
      error(
        "MR2003",
        `class ${label} is decorated with @Module but not exported, so the generated manifest cannot import it`,
        scanned.location,
        {
          hint: `export it: \`export class ${label}\``,
        },
      ),
    );
  }
  if (scanned.abstract) {
    diagnostics.push(
      error(
        "MR2014",
        `abstract class ${label} is decorated with @Module, but abstract classes cannot be constructed`,
        scanned.location,
        {
          hint: "remove @Module here and decorate the concrete classes that extend it; inject the abstract class to get them",
        },
      ),
    );
  }
  const id = typeof value["id"] === "string" && value["id"] !== "" ? value["id"] : scanned.className;
  if (id === undefined) {
    diagnostics.push(
      provider
        ? error("MR2004", "a default-exported provider needs an explicit id", scanned.location, {
            hint: 'give it one: provide({ id: "my-provider" }, ...), or export it as a named const',
          })
        : error("MR2004", "an anonymous default-exported class needs an explicit id", scanned.location, {
            hint: 'name the class or give it one: @Module({ id: "my-module" })',
          }),
    );
  }
  const version = typeof value["version"] === "string" ? value["version"] : "0.0.0";
  if (typeof value["version"] === "string" && semver.valid(version) === null) {
    diagnostics.push(
      error(
        "MR2005",
        `version "${version}" of ${id ?? label} is not a valid semver version`,
        where("version"),
        {
          hint: 'use MAJOR.MINOR.PATCH, e.g. "1.2.0"',
        },
      ),
    );
  }
  const dependencies = entries(value["dependencies"], "dependencies", where);
  const optionalDependencies = entries(value["optionalDependencies"], "optionalDependencies", where);
  const inject = new Map<string, DependencyEntry>();
  const injectValue = value["inject"];
  if (isRecord(injectValue)) {
    for (const [param, spec] of Object.entries(injectValue)) {
      if (typeof spec === "string") inject.set(param, { spec, location: where(`inject.${param}`) });
    }
  }
  for (const entry of [...dependencies, ...optionalDependencies, ...inject.values()]) {
    if (typeof entry.spec !== "string") continue;
    const at = entry.spec.lastIndexOf("@");
    const range = at > 0 ? entry.spec.slice(at + 1) : undefined;
    if (range !== undefined && semver.validRange(range) === null) {
      diagnostics.push(
        error("MR2006", `"${entry.spec}": "${range}" is not a valid semver range`, entry.location, {
          hint: 'write "id@range" with a semver range, e.g. "config@^1.2.0"',
        }),
      );
    }
  }
  const paramNames = new Set(scanned.params.map((p) => p.name));
  for (const [param, entry] of inject) {
    if (!paramNames.has(param)) {
      diagnostics.push(
        error(
          "MR2010",
          `inject names "${param}", but ${callee} has no parameter "${param}"`,
          entry.location,
          {
            hint: `use one of the parameter names: ${[...paramNames].join(", ") || "(none)"}`,
          },
        ),
      );
    }
  }
  const args = stringList(value["args"]);
  if (value["args"] !== undefined && scope !== "factory") {
    diagnostics.push(
      error(
        "MR2007",
        `args is only valid with scope "factory" (${id ?? label} is ${typeof scope === "string" ? `"${scope}"` : "a singleton"})`,
        where("args"),
        {
          hint: 'add scope: "factory", or inject the value through a module instead of a runtime argument',
        },
      ),
    );
  } else if (args.length > 0) {
    const trailing = scanned.params.slice(-args.length).map((p) => p.name);
    if (args.length > scanned.params.length || trailing.some((name, i) => name !== args[i])) {
      diagnostics.push(
        error(
          "MR2008",
          `args [${args.map((a) => `"${a}"`).join(", ")}] must name the last ${args.length} parameter(s) of ${callee} in order, which are [${trailing.map((a) => `"${a}"`).join(", ")}]`,
          where("args"),
          {
            hint: "move the runtime-argument parameters to the end and list them in the same order",
          },
        ),
      );
    }
  }
  if (provider?.scopeValue === true && scope !== "scoped") {
    diagnostics.push(
      error(
        "MR2018",
        `${id ?? label} is a scopeValue(), but its scope is ${typeof scope === "string" ? `"${scope}"` : "singleton (the default)"}: a scope value exists only in a scope`,
        options.locations.get("scope") ?? provider.functionLocation,
        { hint: 'give it scope: "scoped": provide({ id, scope: "scoped" }, scopeValue<T>())' },
      ),
    );
  }
  if (scope === "factory" || scope === "scoped") {
    const instances = scope === "factory" ? "factory instances" : "instances built in a scope";
    for (const method of scanned.appPhases ?? []) {
      diagnostics.push(
        warning(
          "MR2030",
          `${id ?? label} is ${scope === "scoped" ? "scoped" : "factory-scoped"}, but has ${method.name}(): ${method.name} is only called for singleton and lazy modules built by start(), never for ${instances}`,
          method.location,
          { hint: `${PHASE_HINTS[method.name][scope]}, or make the module a singleton` },
        ),
      );
    }
  }
  if (scope === "factory" && scanned.asyncInit) {
    diagnostics.push(
      error(
        "MR2009",
        `${id ?? label} is factory-scoped, but ${provider ? "its function is async" : "its onInit is async"}: factory instances are built synchronously and never awaited`,
        scanned.onInitLocation ?? scanned.location,
        {
          hint: 'make onInit synchronous, or use scope "lazy" and resolve() it',
        },
      ),
    );
  }
  if (id === undefined || options.errors.length > 0 || provider?.misplaced !== undefined)
    return { diagnostics };
  if (provider !== undefined && scanned.exportName === undefined) return { diagnostics };
  const when = value["when"];
  return {
    diagnostics,
    module: {
      scanned,
      id,
      version,
      scope: scope === "lazy" || scope === "factory" || scope === "scoped" ? scope : "singleton",
      capabilities: stringList(value["capabilities"]),
      dependencies,
      optionalDependencies,
      when: isRecord(when) ? normalizeWhen(when) : undefined,
      inject,
      metadata: isRecord(value["metadata"])
        ? (toPlain(value["metadata"]) as Record<string, MetadataValue>)
        : undefined,
      args,
      initTimeoutMs: typeof value["initTimeoutMs"] === "number" ? value["initTimeoutMs"] : undefined,
      tenant: value["tenant"] === true,
      primary: value["primary"] === true,
      where,
    },
  };
}

/** `MR2016` (not an exported top-level const) and `MR2017` (nothing can inject what it returns). */
function providerProblems(scanned: ScannedModule, provider: ScannedProvider, label: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const hint = "declare it as `export const name = provide(...)` at the top level of a module file";
  if (provider.misplaced === "nested") {
    problems.push(
      error(
        "MR2016",
        "provide() is called inside a function, a block or an expression: the codegen only reads exported top-level consts",
        scanned.location,
        { hint },
      ),
    );
  } else if (provider.misplaced === "not-const") {
    problems.push(
      error("MR2016", `provider ${label} is declared with let or var; it must be a const`, scanned.location, {
        hint,
      }),
    );
  } else if (scanned.exportName === undefined) {
    problems.push(
      error(
        "MR2016",
        `provider ${label} is not exported, so the generated manifest cannot import it`,
        scanned.location,
        { hint: `export it: \`export const ${label} = provide(...)\`` },
      ),
    );
  }
  if (provider.uninjectable && provider.misplaced === undefined) {
    problems.push(
      error(
        "MR2017",
        `provider ${label} returns \`${provider.typeText}\`, which nothing can be injected with`,
        provider.functionLocation,
        { hint: "return the value to provide, and declare its type: (config: Config): Promise<Pool> => ..." },
      ),
    );
  }
  return problems;
}

function entries(
  value: StaticValue | undefined,
  path: string,
  where: (path: string) => Location,
): DependencyEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((spec, i) =>
    typeof spec === "string" || spec instanceof ClassRef ? [{ spec, location: where(`${path}.${i}`) }] : [],
  );
}

function normalizeWhen(when: { [key: string]: StaticValue }): NormalizedModule["when"] {
  const env = typeof when["env"] === "string" ? [when["env"]] : stringList(when["env"]);
  const feature = typeof when["feature"] === "string" ? [when["feature"]] : stringList(when["feature"]);
  if (env.length === 0 && feature.length === 0) return undefined;
  return { ...(env.length > 0 && { env }), ...(feature.length > 0 && { feature }) };
}

function stringList(value: StaticValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function isRecord(value: StaticValue | undefined): value is { [key: string]: StaticValue } {
  return typeof value === "object" && !Array.isArray(value) && !(value instanceof ClassRef);
}

/** Plain data for `checkModuleOptions`: class references become functions, as they are at run time. */
function toPlain(value: StaticValue): unknown {
  if (value instanceof ClassRef) return function classReference() {};
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value;
}

/** What MR2030 suggests instead of an app-phase hook that is never called. */
const PHASE_HINTS = {
  onReady: {
    factory: "do the work in onInit, which runs for every instance",
    scoped: "do the work in onInit, which runs for every instance",
  },
  onShutdown: {
    factory: "end a factory instance where the code that created it is done with it (nothing disposes one)",
    scoped: "do the work in onDispose, which runs when the instance's scope is disposed",
  },
} as const;
