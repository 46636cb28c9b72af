import type { Diagnostic } from "../diagnostics.js";
import type { NormalizedModule } from "./options.js";
import { resolveModule, type ModuleIndex, type Reads, type ResolvedModule } from "./resolve.js";

/** A module resolved without a diagnostic, with the keys and ids that resolution read. */
interface Resolution {
  /** The index it was resolved (or last found still valid) against. */
  index: ModuleIndex;
  readonly reads: Reads;
  readonly result: ResolvedModule;
}

/**
 * Resolutions by module. `--watch` hands back the same normalized module for a file that did
 * not change, so after an edit only the modules whose lookups now answer differently (a
 * provider added or removed for a key they ask for, an id they name redefined) are resolved
 * again; the rest of the graph reuses its records.
 */
const resolutions = new WeakMap<NormalizedModule, Resolution>();

/**
 * `resolveModule`, reusing the last resolution of `module` when every key and id it read
 * answers the same in `index`. Only clean resolutions of the full graph are kept: one with a
 * diagnostic, or under `check --env` (a condition), is resolved every time.
 */
export function resolveReusing(
  module: NormalizedModule,
  index: ModuleIndex,
  diagnostics: Diagnostic[],
): ResolvedModule {
  if (index.condition !== undefined) return resolveModule(module, index, diagnostics);
  const last = resolutions.get(module);
  if (last !== undefined && stillValid(last, index)) {
    last.index = index;
    return last.result;
  }
  const own: Diagnostic[] = [];
  const reads: Reads = { keys: new Set(), ids: new Set() };
  index.reads = reads;
  let result: ResolvedModule;
  try {
    result = resolveModule(module, index, own);
  } finally {
    index.reads = undefined;
  }
  diagnostics.push(...own);
  if (own.length > 0) {
    resolutions.delete(module);
    return result;
  }
  // resolved again to the same records (a provider it asks for was edited, not replaced): the
  // old object stands, so what is cached by it (manifest record, its text) stays valid
  if (last !== undefined && sameResolution(last.result, result)) result = last.result;
  resolutions.set(module, { index, reads, result });
  return result;
}

function sameResolution(a: ResolvedModule, b: ResolvedModule): boolean {
  return (
    a.module === b.module &&
    sameList(a.defaults, b.defaults, (x, y) => x === y) &&
    sameList(a.deps, b.deps, sameFlat) &&
    sameList(
      a.edges,
      b.edges,
      (x, y) =>
        x.to === y.to && x.build === y.build && x.range === y.range && sameFlat(x.location, y.location),
    )
  );
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i]!));
}

/** Records of primitive values with the same entries. */
function sameFlat(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.is(x[k], y[k]) && k in y);
}

function stillValid(last: Resolution, index: ModuleIndex): boolean {
  if (last.index === index) return true;
  for (const key of last.reads.keys) if (!index.sameKey(last.index, key)) return false;
  for (const id of last.reads.ids) if (!index.sameId(last.index, id)) return false;
  return true;
}
