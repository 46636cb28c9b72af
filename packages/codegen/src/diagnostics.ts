/**
 * Diagnostics: what `modreg generate` reports, each with a stable code. The codes are part of
 * the public interface (the README lists every one with an example and a fix); messages may
 * improve, codes never change meaning.
 */
import type { Location } from "./records.js";

/** Every diagnostic code, with a one-line title. */
export const DIAGNOSTIC_CODES = {
  MR1001: "tsconfig not found or unreadable",
  MR1002: "invalid tsconfig",
  MR1003: "standard decorators left unlowered by the tsconfig target",
  MR1004: "output file refused: modreg only replaces files it generated",
  MR1005: "migrate: a file changed while the migration ran; nothing written",
  MR1006: "migrate: the migration could not be written; every file restored",
  MR1007: "init: no package.json to set up, or one that is not JSON",
  MR1008: "init: a setting the tsconfig needs cannot be added without rewriting it",
  MR1009: "init: a file changed after the plan was shown, or could not be written; nothing changed",
  MR2001: "decorator argument is not statically readable",
  MR2002: "invalid @Module options",
  MR2003: "decorated class is not exported",
  MR2004: "anonymous module class without an id",
  MR2005: "invalid semver version",
  MR2006: "invalid semver range",
  MR2007: "args outside factory scope",
  MR2008: "args do not name the trailing constructor parameters",
  MR2009: "async onInit on a factory-scoped module",
  MR2010: "inject names an unknown parameter",
  MR2011: "unsupported constructor parameter",
  MR2012: "Lazy or Factory of a non-module type",
  MR2013: "two declarations share one interface key",
  MR2014: "abstract class decorated with @Module",
  MR2015: "syntax error (or a file that is not UTF-8)",
  MR2016: "provide() is not an exported top-level const",
  MR2017: "provider returns a type nothing can inject",
  MR2018: "scopeValue() outside a scoped provide()",
  MR2019: "Resolver parameter wrapped in Lazy/Factory, an array, or chosen by inject",
  MR2020: "migrate: a library construct with no automatic conversion, left as it was",
  MR2021: "migrate: a token that names no class and no registration, left as it was",
  MR2022: "migrate: a registration or resolve call left as it was",
  MR2023: "migrate: a delayed or multi-injected parameter that cannot be rewritten mechanically",
  MR2024: "migrate: a scope modreg does not have (converted to the nearest, or left)",
  MR2030: "onReady/onShutdown on a factory- or scoped-scope module: never called",
  MR3001: "duplicate module id",
  MR3002: "unknown dependency id",
  MR3003: "missing provider",
  MR3004: "ambiguous provider",
  MR3005: "dependency cycle",
  MR3006: "version mismatch",
  MR3007: "Factory of a non-factory module",
  MR3008: "injected module does not fit the parameter type",
  MR3009: "dependency class is not a module",
  MR3010: "captive dependency: a singleton or lazy module builds a scoped one",
  MR3011: "captive dependency through a factory module",
  MR3012: "captive dependency through Lazy or Factory",
  MR3016: "shared module depends on a tenant module",
  MR3017: "shared module injects TenantContext",
  MR3018: "two active primary providers for one parameter",
} as const;

/** A stable diagnostic code, `MR` and four digits. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export type DiagnosticSeverity = "error" | "warning";

/** A secondary location, e.g. the other edges of a cycle or the first of two duplicate ids. */
export interface RelatedLocation extends Location {
  readonly message: string;
}

/** One problem found in the project, located like a compiler error. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  /** Where; absent only for project-level problems without a file. */
  readonly location?: Location;
  /** The dependency path where one applies, e.g. `["a", "b", "a"]` for a cycle. */
  readonly path?: readonly string[];
  /** What to do about it. */
  readonly hint?: string;
  readonly related?: readonly RelatedLocation[];
}

/** Config errors (`MR1xxx`): the CLI exits with 2 for them, 1 for everything else. Config warnings exit 0. */
export function isConfigDiagnostic(diagnostic: Diagnostic): boolean {
  return diagnostic.severity === "error" && diagnostic.code.startsWith("MR1");
}

/** Builds an error diagnostic, leaving out what is not given. */
export function error(
  code: DiagnosticCode,
  message: string,
  location: Location | undefined,
  extra: { hint?: string; path?: readonly string[]; related?: readonly RelatedLocation[] } = {},
): Diagnostic {
  return {
    code,
    severity: "error",
    message,
    ...(location && { location }),
    ...(extra.path && { path: extra.path }),
    ...(extra.hint !== undefined && { hint: extra.hint }),
    ...(extra.related && extra.related.length > 0 && { related: extra.related }),
  };
}

/** Builds a warning diagnostic: reported, but the manifest is still written. */
export function warning(
  code: DiagnosticCode,
  message: string,
  location: Location | undefined,
  extra: { hint?: string; path?: readonly string[]; related?: readonly RelatedLocation[] } = {},
): Diagnostic {
  return { ...error(code, message, location, extra), severity: "warning" };
}

/** Orders diagnostics by file, line, column, then code: output does not depend on scan order. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.location?.file ?? "";
  const fb = b.location?.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location?.line ?? 0;
  const lb = b.location?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location?.column ?? 0;
  const cb = b.location?.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
