import {
  type DependencySpec,
  checkModuleOptions,
  moduleOptionsOf,
  parseDependencySpec,
} from "./decorator.js";
import { sharedFields } from "./construct.js";
import type { Container, Override, RegisterOptions } from "./container-types.js";
import { ModuleRegistryError } from "./errors.js";
import type { Constructor, ConditionRecord } from "./manifest.js";
import { interfaceName } from "./keys.js";
import type { Definition, InternalDep } from "./node.js";
import { describeProvider, isProvider } from "./provider.js";
import { type Token, isToken } from "./tokens.js";

function toList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return value === undefined ? undefined : typeof value === "string" ? [value] : value;
}

/** What the lifecycle needs to know about a class's `onInit` and `onReady` methods. */
function initOf(target: Constructor): Pick<Definition, "hasInit" | "asyncInit" | "hasReady"> {
  const prototype = target.prototype as { onInit?: unknown; onReady?: unknown } | undefined;
  const onInit = prototype?.onInit;
  return {
    hasInit: typeof onInit === "function",
    asyncInit: typeof onInit === "function" && onInit.constructor.name === "AsyncFunction",
    hasReady: typeof prototype?.onReady === "function",
  };
}

/** A `dependencies`/`params` entry as an edge. */
function depOf(spec: DependencySpec | Token<unknown>, extra: Partial<InternalDep>): InternalDep {
  if (typeof spec === "function") return { cls: spec, ...extra };
  if (isToken(spec)) return { iface: spec.key, ...extra };
  return { ...parseDependencySpec(spec), ...extra };
}

/** `design:paramtypes` when reflect-metadata (or another polyfill) is loaded, else `undefined`. */
function designParamTypes(target: Constructor): unknown[] | undefined {
  const reflect = Reflect as unknown as { getMetadata?: (key: string, target: object) => unknown };
  const types = reflect.getMetadata?.("design:paramtypes", target);
  return Array.isArray(types) ? types : undefined;
}

function invalid(target: Constructor, problem: string): ModuleRegistryError {
  return new ModuleRegistryError("MODULE_INVALID_OPTIONS", `register(${target.name}): ${problem}`, {
    moduleId: target.name,
  });
}

/**
 * A definition for `container.register`: the `@Module` options recorded on the class,
 * overlaid by `options`; parameters from `params`, else from `design:paramtypes`.
 */
export function definitionForClass(
  target: Constructor,
  options: RegisterOptions,
  origin: number,
): Definition {
  const { params, ...rest } = options;
  const merged = { ...moduleOptionsOf(target), ...rest };
  const problems = checkModuleOptions(merged);
  if (problems.length > 0) throw invalid(target, `${problems.join("; ")}.`);
  const runtimeArgs = merged.args?.length ?? 0;
  let paramDeps: InternalDep[];
  if (params !== undefined) {
    paramDeps = params.map((p, i) => depOf(p, { param: `#${i}` }));
  } else {
    const types = designParamTypes(target);
    const needed = target.length - runtimeArgs;
    if (types === undefined && needed > 0) {
      throw invalid(
        target,
        `its constructor takes ${target.length} parameter(s) and no \`params\` were given. ` +
          "Pass `params: [...]` (classes, ids or tokens), or compile with emitDecoratorMetadata and load reflect-metadata.",
      );
    }
    paramDeps = (types ?? []).slice(0, Math.max(0, (types?.length ?? 0) - runtimeArgs)).map((type, i) => {
      if (typeof type !== "function" || type === Object) {
        throw invalid(
          target,
          `parameter ${i} has no class type at run time (an interface, union or primitive becomes \`Object\`). ` +
            "Pass `params` with an id or token for it, or generate a manifest with `modreg generate`.",
        );
      }
      return { cls: type as Constructor, param: `#${i}` };
    });
  }
  const deps: InternalDep[] = [
    ...paramDeps,
    ...(merged.dependencies ?? []).map((d) => depOf(d, { inject: "none" })),
    ...(merged.optionalDependencies ?? []).map((d) => depOf(d, { inject: "none", optional: true })),
  ];
  const when: ConditionRecord | undefined = merged.when && {
    ...(merged.when.env !== undefined && { env: toList(merged.when.env)! }),
    ...(merged.when.feature !== undefined && { feature: toList(merged.when.feature)! }),
  };
  return {
    id: merged.id ?? target.name,
    version: merged.version ?? "0.0.0",
    scope: merged.scope ?? "singleton",
    handle: target,
    provider: undefined,
    ...sharedFields(target, deps),
    deps,
    provides: [],
    capabilities: merged.capabilities ?? [],
    when,
    metadata: merged.metadata ?? {},
    ...initOf(target),
    args: runtimeArgs,
    initTimeoutMs: merged.initTimeoutMs,
    tenant: merged.tenant === true,
    primary: merged.primary === true,
    source: undefined,
    origin,
    validated: false,
  };
}

/** A lookup key as messages name it (a token by its interface's short name; `error.key` has the full key). */
export function describeKey(key: unknown): string {
  if (typeof key === "function") return `class ${(key as Constructor).name}`;
  if (isProvider(key)) return describeProvider(key);
  if (isToken(key)) return `token ${interfaceName(key.key)}`;
  return `"${String(key)}"`;
}

/**
 * The definition an override puts in place of `original` (a module overridden by class
 * or id), or of every provider of an interface (`original` undefined; a token override).
 */
export function overriddenDefinition(
  override: Override,
  original: Definition | undefined,
  container: () => Container,
): { def: Definition; external: boolean } {
  const key = override.provide;
  const base: Definition = original ?? {
    // For messages only: an internal definition is never looked up by id.
    id: `override of ${describeKey(key)}`,
    internal: true,
    version: "0.0.0",
    scope: "singleton",
    handle: class TokenOverride {},
    provider: undefined,
    create: () => undefined,
    shared: undefined,
    deps: [],
    provides: isToken(key) ? [key.key] : [],
    capabilities: [],
    when: undefined,
    metadata: {},
    asyncInit: false,
    hasInit: false,
    hasReady: false,
    args: 0,
    initTimeoutMs: undefined,
    tenant: false,
    primary: false,
    source: undefined,
    origin: -1,
    validated: false,
  };
  // What an override makes follows the rules of a class instance, also for a provider.
  const replaced = {
    ...base,
    deps: [] as InternalDep[],
    asyncInit: false,
    validated: false,
    provider: undefined,
  };
  if ("useValue" in override) {
    const value = override.useValue;
    return {
      def: { ...replaced, create: () => value, shared: undefined, hasInit: false, hasReady: undefined },
      external: true,
    };
  }
  if ("useFactory" in override) {
    const factory = override.useFactory;
    if (typeof factory !== "function") throw badOverride(key, "useFactory must be a function");
    return {
      def: {
        ...replaced,
        create: () => factory(container()),
        shared: undefined,
        hasInit: undefined,
        hasReady: undefined,
      },
      external: false,
    };
  }
  if ("useClass" in override) {
    const replacement = override.useClass;
    if (typeof replacement !== "function") throw badOverride(key, "useClass must be a class");
    return {
      def: {
        ...base,
        validated: false,
        provider: undefined,
        ...sharedFields(replacement, base.deps),
        ...initOf(replacement),
      },
      external: false,
    };
  }
  throw badOverride(key, "it needs one of useValue, useClass or useFactory");
}

function badOverride(key: unknown, problem: string): ModuleRegistryError {
  return new ModuleRegistryError("MODULE_INVALID_OPTIONS", `override of ${describeKey(key)}: ${problem}.`);
}
