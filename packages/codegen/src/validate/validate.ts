import { DependencyGraph, TENANT_CONTEXT_KEY, compareIds, formatPath } from "@modreg/core";
import semver from "semver";
import { compareDiagnostics, error, type Diagnostic } from "../diagnostics.js";
import {
  injectedPositions,
  type ManifestData,
  type ModuleData,
  type ScanResult,
  type ScannedModule,
  type TokenData,
} from "../records.js";
import { checkCaptives } from "./captive.js";
import { normalizeModule, type NormalizedModule } from "./options.js";
import { ModuleIndex, resolveModule, type Dropped, type ResolvedModule } from "./resolve.js";
import { resolveReusing } from "./reuse.js";
import { checkDecoratorEmit } from "./toolchain.js";

/**
 * Normalized options by scanned record. Records are immutable and `--watch` hands the same
 * objects back for files that did not change, so their options are not checked again.
 */
const normalized_ = new WeakMap<ScannedModule, ReturnType<typeof normalizeModule>>();

/** The environment `modreg check --env/--feature` validates the active graph under. */
export interface ActiveCondition {
  readonly env?: string;
  readonly features?: readonly string[];
}

/** What validation produced: manifest data (usable only when there are no errors) and diagnostics. */
export interface Validation {
  readonly manifest: ManifestData;
  readonly diagnostics: Diagnostic[];
  /** Keys a required parameter asks for that nothing provides (MR3003): what `ProjectScanner.explain` looks into. */
  readonly missing: readonly string[];
}

/**
 * The validate stage: a pure function from scanned records to manifest data and diagnostics.
 * With `active`, modules whose `when` does not match are left out of the graph, and
 * ambiguity counts every active provider (conditions are then known).
 */
export function validate(
  scan: ScanResult,
  active?: ActiveCondition,
  external: ReadonlySet<string> = new Set(),
): Validation {
  const diagnostics: Diagnostic[] = [...(scan.diagnostics ?? [])];
  const normalized: NormalizedModule[] = [];
  const dropped: ScannedModule[] = [];
  const ordered = [...scan.modules].sort(
    (a, b) => compare(a.location.file, b.location.file) || compare(a.className ?? "", b.className ?? ""),
  );
  for (const scanned of ordered) {
    let result = normalized_.get(scanned);
    if (result === undefined) normalized_.set(scanned, (result = normalizeModule(scanned)));
    diagnostics.push(...result.diagnostics);
    if (result.module) normalized.push(result.module);
    else dropped.push(scanned);
  }
  diagnostics.push(...checkDecoratorEmit(scan));
  for (const { key, locations } of scan.collisions) {
    const [first, ...others] = locations;
    diagnostics.push(
      error(
        "MR2013",
        `two different declarations would both get the interface key "${key}"`,
        others[0] ?? first,
        {
          hint: "keys are <package>:<file without extension>#<Name>: rename one of the types, or one of the files",
          related: [first!, ...others.slice(1)].map((l) => ({ ...l, message: "also declared here" })),
        },
      ),
    );
  }
  const unique = dedupe(normalized, diagnostics);
  const kept = new Set(unique);
  dropped.push(...normalized.filter((m) => !kept.has(m)).map((m) => m.scanned));
  const leftOut = droppedFacts(dropped, unique);
  const condition = active && describe(active);
  const index = new ModuleIndex(
    unique,
    active ? (m) => isActive(m, active) : () => true,
    condition,
    external,
    scan,
    leftOut,
  );
  // inactive modules (under `check --env`) are not built: resolve them without reporting anything
  const everything = active ? new ModuleIndex(unique, () => true, undefined, external, scan, leftOut) : index;
  const resolved = unique.map((m) =>
    index.isActive(m) ? resolveReusing(m, index, diagnostics) : resolveModule(m, everything, []),
  );
  checkVersions(resolved, index, diagnostics);
  checkTenantEdges(resolved, index, diagnostics);
  checkCaptives(
    resolved.filter((r) => index.isActive(r.module)),
    diagnostics,
  );
  checkCycles(
    resolved.filter((r) => index.isActive(r.module)),
    diagnostics,
  );
  const manifest = toManifest(scan, resolved);
  return {
    manifest,
    diagnostics: diagnostics.sort(compareDiagnostics),
    missing: [...index.missing].sort(compare),
  };
}

/** What the modules an error left out of the graph provided, minus what the kept modules provide. */
function droppedFacts(dropped: readonly ScannedModule[], kept: readonly NormalizedModule[]): Dropped {
  const keys = new Set(dropped.flatMap((s) => [s.key, ...s.heritage]));
  const ids = new Set<string>();
  for (const s of dropped) {
    const id = s.options.value["id"];
    const name = typeof id === "string" && id !== "" ? id : s.className;
    if (name !== undefined) ids.add(name);
  }
  for (const m of kept) ids.delete(m.id);
  return { keys, ids };
}

function dedupe(modules: readonly NormalizedModule[], diagnostics: Diagnostic[]): NormalizedModule[] {
  const first = new Map<string, NormalizedModule>();
  const unique: NormalizedModule[] = [];
  for (const m of modules) {
    const seen = first.get(m.id);
    if (seen === undefined) {
      first.set(m.id, m);
      unique.push(m);
      continue;
    }
    diagnostics.push(
      error(
        "MR3001",
        `duplicate module id "${m.id}": ${m.scanned.className ?? "this class"} and ${seen.scanned.className ?? "another class"} both use it`,
        m.where("id"),
        {
          hint: `give one of them a different id: @Module({ id: "${m.id}-2" })`,
          related: [{ ...seen.where("id"), message: `"${m.id}" is first used here` }],
        },
      ),
    );
  }
  return unique;
}

/**
 * Whether `version` satisfies `range`, by range then version; `undefined` when either is not
 * valid semver (nothing to check). Memoized: every run asks again for every versioned edge.
 */
const satisfied = new Map<string, Map<string, boolean | undefined>>();

function satisfies(version: string, range: string): boolean | undefined {
  let byVersion = satisfied.get(range);
  if (byVersion === undefined) satisfied.set(range, (byVersion = new Map<string, boolean | undefined>()));
  if (byVersion.has(version)) return byVersion.get(version);
  const answer =
    semver.validRange(range) === null || semver.valid(version) === null
      ? undefined
      : semver.satisfies(version, range, { includePrerelease: true });
  byVersion.set(version, answer);
  return answer;
}

function checkVersions(
  resolved: readonly ResolvedModule[],
  index: ModuleIndex,
  diagnostics: Diagnostic[],
): void {
  for (const { module, edges } of resolved) {
    for (const edge of edges) {
      if (edge.range === undefined) continue;
      const target = index.byId.get(edge.to);
      if (target === undefined || satisfies(target.version, edge.range) !== false) continue;
      diagnostics.push(
        error(
          "MR3006",
          `${module.id} requires ${edge.to}@${edge.range}, but ${edge.to} is version ${target.version}`,
          edge.location,
          {
            path: [module.id, edge.to],
            hint: `widen the range, or update ${edge.to} to a version that satisfies ${edge.range}`,
            related: [{ ...target.where("version"), message: `${edge.to} declares its version here` }],
          },
        ),
      );
    }
  }
}

/** A shared module depending on a tenant module (MR3016): the app's container never builds those. */
function checkTenantEdges(
  resolved: readonly ResolvedModule[],
  index: ModuleIndex,
  diagnostics: Diagnostic[],
): void {
  if (!resolved.some((r) => r.module.tenant)) return;
  for (const { module, edges } of resolved) {
    if (module.tenant) continue;
    for (const edge of edges) {
      const target = index.byId.get(edge.to);
      if (target?.tenant !== true) continue;
      diagnostics.push(
        error(
          "MR3016",
          `${module.id} is a shared module but depends on ${edge.to}, a tenant module: the app's container never builds tenant modules`,
          edge.location,
          {
            path: [module.id, edge.to],
            hint: `mark ${module.id} \`tenant: true\` too, or move what it needs from ${edge.to} into a shared module`,
            related: [{ ...target.where("tenant"), message: `${edge.to} is marked tenant here` }],
          },
        ),
      );
    }
  }
}

/** A graph `checkCycles` found to have no cycle. */
interface Acyclic {
  /** Its modules by id. */
  readonly byId: ReadonlyMap<string, ResolvedModule>;
  /** Every id a build edge of one of its modules names (and maybe more). */
  readonly targets: Set<string>;
}

/**
 * The last graph found to have no cycle. A graph whose every build edge is an edge of that one
 * has no cycle either: after a `--watch` edit that adds no edge (most do not), only the edges
 * of the modules resolved again are compared, and the graph is not searched.
 */
let acyclic: Acyclic | undefined;

/**
 * Whether every build edge between modules of `byId` is an edge of `known`. A module with the
 * resolution it had there has the same edges, which can only be new when their target is a
 * new id (one `known.targets` names); the others' edges are compared one by one.
 */
function onlyKnownEdges(byId: ReadonlyMap<string, ResolvedModule>, known: Acyclic): boolean {
  for (const [id, r] of byId) {
    const before = known.byId.get(id);
    if (before === r) continue;
    if (before === undefined && known.targets.has(id)) return false;
    const had = new Set(before?.edges.flatMap((e) => (e.build ? [e.to] : [])));
    for (const edge of r.edges) {
      if (!edge.build || !byId.has(edge.to)) continue;
      if (!known.byId.has(edge.to) || !had.has(edge.to)) return false;
    }
  }
  return true;
}

function checkCycles(resolved: readonly ResolvedModule[], diagnostics: Diagnostic[]): void {
  const byId = new Map(resolved.map((r) => [r.module.id, r]));
  if (acyclic !== undefined && onlyKnownEdges(byId, acyclic)) {
    const { targets } = acyclic;
    for (const [id, r] of byId) {
      if (acyclic.byId.get(id) === r) continue;
      for (const edge of r.edges) if (edge.build) targets.add(edge.to);
    }
    acyclic = { byId, targets };
    return;
  }
  const graph = new DependencyGraph(
    resolved.map((r) => [r.module.id, r.edges.filter((e) => e.build).map((e) => e.to)] as const),
  );
  const edgeAt = (from: string, to: string) =>
    byId.get(from)!.edges.find((e) => e.build && e.to === to)!.location;
  const cycles = graph.findCycles();
  for (const cycle of cycles) {
    const related = cycle.slice(1, -1).map((from, i) => ({
      ...edgeAt(from, cycle[i + 2]!),
      message: `${from} depends on ${cycle[i + 2]!} here`,
    }));
    diagnostics.push(
      error("MR3005", `dependency cycle: ${formatPath(cycle)}`, edgeAt(cycle[0]!, cycle[1]!), {
        path: cycle,
        hint: "break it by injecting one of these dependencies as Lazy<T> (or Factory<T> for a factory-scoped module), or remove one edge",
        related,
      }),
    );
  }
  acyclic = undefined;
  if (cycles.length === 0) {
    const targets = new Set<string>();
    for (const r of resolved) for (const edge of r.edges) if (edge.build) targets.add(edge.to);
    acyclic = { byId, targets };
  }
}

function toManifest(scan: ScanResult, resolved: readonly ResolvedModule[]): ManifestData {
  const usedKeys = new Set<string>();
  for (const { deps } of resolved)
    for (const dep of deps) if (dep.iface !== undefined) usedKeys.add(dep.iface);
  const modules: ModuleData[] = resolved.map((r) => {
    const used = usedKeys.has(r.module.scanned.key);
    const last = records.get(r);
    if (last?.used === used) return last.data;
    const data = moduleData(r, used);
    records.set(r, { used, data });
    return data;
  });
  return { formatVersion: 1, package: scan.packageName, modules, tokens: tokensOf(scan, modules) };
}

/**
 * Manifest records by resolution: `--watch` reuses the resolution of a module whose inputs did
 * not change, so it gets the same record object too (the writer caches its text by record).
 */
const records = new WeakMap<ResolvedModule, { readonly used: boolean; readonly data: ModuleData }>();

/** The manifest record of a resolved module; `used`: some parameter injects its own class key. */
function moduleData({ module, deps, defaults }: ResolvedModule, used: boolean): ModuleData {
  const scanned = module.scanned;
  // a provider always provides its own return type, even one the default lib declares
  const own = scanned.provider?.key;
  const provides = scanned.heritage.filter((k) => k === own || !k.startsWith("lib#"));
  if (used) provides.push(scanned.key);
  return {
    id: module.id,
    kind: scanned.provider ? "provider" : "class",
    version: module.version,
    scope: module.scope,
    capabilities: module.capabilities,
    provides: [...new Set(provides)].sort(compareIds),
    deps,
    params: scanned.params.length - module.args.length - defaults.length,
    ...(defaults.length > 0 && { defaults }),
    args: module.args.length,
    initTimeoutMs: module.initTimeoutMs,
    tenant: module.tenant,
    primary: module.primary,
    when: module.when,
    metadata: module.metadata,
    asyncInit: scanned.asyncInit,
    source: { file: scanned.location.file, line: scanned.location.line, column: scanned.location.column },
    class: {
      name: scanned.className,
      exportName: scanned.exportName ?? "default",
      fileName: scanned.fileName,
    },
  };
}

/** The interface keys a record's parameters inject, each with how (by record: records are reused across runs). */
const tokenUses = new WeakMap<ModuleData, readonly (readonly [string, TokenData["via"]])[]>();

function tokenUsesOf(m: ModuleData): [string, TokenData["via"]][] {
  const positions = injectedPositions(m);
  return m.deps.slice(0, m.params).flatMap((dep, i): [string, TokenData["via"]][] => {
    // TenantContext has its token in core (`tenantContext`); a Resolver is the container itself
    if (dep.iface === undefined || dep.iface === TENANT_CONTEXT_KEY || dep.inject === "resolver") return [];
    const via: TokenData["via"] = {
      module: m.id,
      param: positions[i]!,
      multi: dep.multi === true,
      wrapper: dep.inject === "lazy" || dep.inject === "factory" ? dep.inject : "value",
      optional: dep.optional === true,
    };
    return [[dep.iface, via]];
  });
}

/** One token per interface key used for injection, named after the type; clashes get `_2`, `_3`. */
function tokensOf(scan: ScanResult, modules: readonly ModuleData[]): TokenData[] {
  const byKey = new Map<string, TokenData["via"]>();
  for (const m of modules) {
    let uses = tokenUses.get(m);
    if (uses === undefined) tokenUses.set(m, (uses = tokenUsesOf(m)));
    for (const [key, via] of uses) if (!byKey.has(key)) byKey.set(key, via);
  }
  const taken = new Set<string>();
  return [...byKey.keys()]
    .sort(compareIds)
    .map((key) => {
      const declaration = scan.types.get(key);
      // `Repo<User>` → `Repo_User`: from the display name, never from the (longer) key
      const base = (declaration?.name ?? key.slice(key.lastIndexOf("#") + 1))
        .replace(/[^\p{ID_Continue}$\u200C\u200D]+/gu, "_")
        .replace(/_+$/, "");
      const safe = /^[\p{ID_Start}_$]/u.test(base) ? base : `_${base}`;
      let name = safe;
      for (let n = 2; taken.has(name); n++) name = `${safe}_${n}`;
      taken.add(name);
      return { key, name, declaration, via: byKey.get(key)! };
    })
    .sort((a, b) => compare(a.name, b.name));
}

function isActive(module: NormalizedModule, active: ActiveCondition): boolean {
  const { env, feature } = module.when ?? {};
  if (env !== undefined && (active.env === undefined || !env.includes(active.env))) return false;
  const features = new Set(active.features ?? []);
  return feature === undefined || feature.every((f) => features.has(f));
}

function describe(active: ActiveCondition): string {
  const parts = [`env=${active.env ?? "(none)"}`];
  if (active.features && active.features.length > 0)
    parts.push(`features=${[...active.features].sort(compareIds).join(",")}`);
  return `under ${parts.join(" ")}`;
}

function compare(a: string, b: string): number {
  return compareIds(a, b);
}
