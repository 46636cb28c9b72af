/**
 * Telling a stale manifest (sources changed, `modreg generate` not re-run) from a broken
 * program, so the user is told to regenerate instead of meeting a `TypeError` later.
 */
import { decoratedClasses, decorationCount } from "./decorator.js";
import { ModuleRegistryError } from "./errors.js";
import type { Constructor, ModuleRecord } from "./manifest.js";
import { type Provider, createdProviders, describeProvider, providerCount } from "./provider.js";

/** A record whose class (or provider function) takes more parameters than its `create` passes. */
export interface StaleRecord {
  readonly id: string;
  /** `class Database's constructor`, `provider "pg-pool"'s function`. */
  readonly what: string;
  readonly takes: number;
  readonly passes: number;
}

/**
 * The record, when its class's constructor declares more parameters than the manifest
 * passes (its injected dependencies and runtime arguments): a parameter was added since
 * the manifest was generated. `Function.length` stops at the first parameter with a
 * default value and is 0 for inherited and wrapping constructors, so it never exceeds what
 * a current manifest passes; fewer is never reported.
 *
 * @param count how many of its `deps` the constructor takes (`parameterCount`)
 */
export function staleRecord(record: ModuleRecord, count: number): StaleRecord | undefined {
  const fn = record.provider !== undefined ? record.provider.fn : record.class;
  const takes = typeof fn === "function" ? fn.length : 0;
  const passes = (record.args ?? 0) + count;
  if (takes <= passes) return undefined;
  const what =
    record.provider !== undefined
      ? `provider "${record.id}"'s function`
      : `class ${record.class.name}'s constructor`;
  return { id: record.id, what, takes, passes };
}

/** The error `start()` fails with when a loaded manifest has stale records. */
export function staleManifestError(stale: readonly StaleRecord[]): ModuleRegistryError {
  const describe = (s: StaleRecord): string =>
    `${s.what} takes ${s.takes} parameter(s) but the manifest passes ${s.passes} (module "${s.id}")`;
  const [first, ...rest] = stale;
  const more =
    rest.length > 0
      ? `; also ${rest.slice(0, 5).map(describe).join("; ")}${rest.length > 5 ? "; …" : ""}`
      : "";
  return new ModuleRegistryError(
    "INVALID_MANIFEST",
    `the manifest is stale: ${describe(first!)}${more}. Run \`modreg generate\` to regenerate it, then start again.`,
    { moduleId: first!.id },
  );
}

/**
 * Every class some generated manifest loaded in this realm lists (held weakly). Two entry
 * points of one program (background and content scripts, an app and its workers) each have
 * their manifest: a class one of them lists is not missing from the other.
 */
const listedByGenerated = new WeakSet<Constructor | Provider>();

/** Generated manifests loaded whose records are not in `listedByGenerated` yet: added when it is first asked. */
const unlisted: WeakRef<{ readonly modules: readonly ModuleRecord[] }>[] = [];

/** Records the classes and providers of a manifest the codegen generated, for {@link missingModuleWarnings}. */
export function noteGeneratedManifest(manifest: {
  readonly validated?: boolean;
  readonly modules: readonly ModuleRecord[];
}): void {
  if (manifest.validated === true) unlisted.push(new WeakRef(manifest));
}

function listedByAnyGenerated(handle: Constructor | Provider): boolean {
  for (let manifest = unlisted.pop(); manifest !== undefined; manifest = unlisted.pop()) {
    for (const record of manifest.deref()?.modules ?? []) {
      if (typeof record.class === "function") listedByGenerated.add(record.class);
      if (typeof record.provider === "object" && record.provider !== null)
        listedByGenerated.add(record.provider);
    }
  }
  return listedByGenerated.has(handle);
}

/** Per generated manifest: how many classes and providers there were when it was last checked. */
const checkedAt = new WeakMap<object, readonly [classes: number, providers: number]>();

/**
 * Warnings for decorated classes and `provide()` providers that a generated manifest (one
 * the codegen marked `validated`) does not list: they were added after the last `modreg
 * generate`, or lie outside the project's `include`. Hand-written manifests are not
 * expected to list every module, and one another generated manifest of this realm lists is
 * not missing. Each is reported once per manifest; while nothing new was decorated or
 * provided, a manifest is not walked again.
 */
export function missingModuleWarnings(
  manifest: { readonly validated?: boolean } | undefined,
  listed: (handle: Constructor | Provider) => boolean,
): string[] {
  if (manifest?.validated !== true) return [];
  const now = [decorationCount(), providerCount()] as const;
  const [classesSince, providersSince] = checkedAt.get(manifest) ?? [0, 0];
  if (classesSince === now[0] && providersSince === now[1]) return [];
  checkedAt.set(manifest, now);
  const missing = (handle: Constructor | Provider): boolean =>
    !listed(handle) && !listedByAnyGenerated(handle);
  return [
    ...decoratedClasses(classesSince)
      .filter(missing)
      .map(
        (cls) =>
          `class ${cls.name} is decorated with @Module but is not in the manifest: the manifest is stale. Run \`modreg generate\`.`,
      ),
    ...createdProviders(providersSince)
      .filter(missing)
      .map(
        (provider) =>
          `${describeProvider(provider)} is created with provide() but is not in the manifest: the manifest is stale. Run \`modreg generate\`.`,
      ),
  ];
}
