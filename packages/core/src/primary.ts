/** `primary: true`: which of several active providers a single-valued lookup picks. */
import type { ModuleNode } from "./node.js";

/**
 * The providers a single-valued lookup chooses among: the one primary when exactly one of
 * several is, every primary when there are several (still ambiguous), else all of them.
 */
export function choosePrimary(providers: readonly ModuleNode[]): readonly ModuleNode[] {
  if (providers.length < 2) return providers;
  const primaries = providers.filter((node) => node.def.primary);
  if (primaries.length === 0) return providers;
  return primaries.length === 1 ? primaries[0]!.asTarget : primaries;
}

/** How an ambiguity among providers reads: `2 active primary modules` or `2 active modules`. */
export function ambiguityText(candidates: readonly ModuleNode[]): string {
  const primary = candidates.length > 1 && candidates.every((node) => node.def.primary);
  return `${candidates.length} active ${primary ? "primary " : ""}modules`;
}
