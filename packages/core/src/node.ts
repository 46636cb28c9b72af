import { assertManifest } from "./check-manifest.js";
import { type SharedConstruction, parameterCount, sharedConstruction, sharedCreate } from "./construct.js";
import { assertUnique } from "./duplicates.js";
import { compareIds } from "./graph.js";
import { noteGeneratedManifest, type StaleRecord, staleRecord } from "./stale.js";
import type { Provider } from "./provider.js";
import type {
  ConditionRecord,
  Constructor,
  DependencyRecord,
  Manifest,
  MetadataValue,
  ModuleRecord,
  Resolve,
  Scope,
  SourceLocation,
} from "./manifest.js";

/** Lifecycle state of a module in one container. */
export type ModuleState = "inactive" | "pending" | "ready" | "failed" | "skipped" | "disposed";

/** The class, or the `provide()` result, that names a module at run time (`get`, overrides). */
export type ModuleHandle = Constructor | Provider;

/** A dependency as the container holds it: a manifest edge, or a `register` edge by class. */
export interface InternalDep extends DependencyRecord {
  readonly cls?: Constructor;
}

/** What a module is, independent of any container: shared by a container and its children. */
export interface Definition {
  readonly id: string;
  readonly version: string;
  readonly scope: Scope;
  readonly handle: ModuleHandle;
  /**
   * Set for a provider function: what it returns is the instance (awaited when it is a
   * promise); it has no `onInit`, and its hooks say how the value is disposed.
   */
  readonly provider: Provider | undefined;
  readonly create: NonNullable<ModuleRecord["create"]>;
  /**
   * Set when `create` is the shared path for a class: the container calls the constructor
   * with the node's dependencies itself (`constructShared`), the same values `create` would pass.
   */
  readonly shared: SharedConstruction | undefined;
  readonly deps: readonly InternalDep[];
  readonly provides: readonly string[];
  readonly capabilities: readonly string[];
  readonly when: ConditionRecord | undefined;
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  readonly asyncInit: boolean;
  /**
   * `onInit` is a method of the class (hooks are looked up on the prototype once, not on
   * every instance); `undefined` when the class is not known up front (a `useFactory`
   * override), so each instance is asked.
   */
  readonly hasInit: boolean | undefined;
  /**
   * `onReady` is a method of the class, looked up on the prototype once like `onInit`:
   * `false` lets `start()` skip asking each of thousands of instances; `undefined` when the
   * class is not known up front (a provider, a `useFactory` override), so each is asked.
   */
  readonly hasReady: boolean | undefined;
  readonly args: number;
  /** Bounds this module's `onInit`/`onDispose` (ms), over the container's `initTimeoutMs`. */
  readonly initTimeoutMs: number | undefined;
  /** A per-tenant module: inactive in a root container. */
  readonly tenant: boolean;
  /** `primary: true`: chosen among several active providers of a single-valued dependency. */
  readonly primary: boolean;
  readonly source: SourceLocation | undefined;
  /** Which manifest it came from (its position in load order), or -1 for `register`. */
  readonly origin: number;
  /** Its manifest was validated by the codegen (in-manifest version ranges already checked). */
  readonly validated: boolean;
  /**
   * Made by the container itself (a token override's provider), never from a manifest or
   * `register`: no id lookup finds it and no listing shows it, whatever its id spells.
   */
  readonly internal?: true;
}

const NONE: readonly never[] = Object.freeze([]);

function unlinked(): never {
  throw new Error("modreg: a module was built before its container linked it");
}

/** What a manifest's records give, shared by the containers created from it. */
export interface ManifestDefinitions {
  readonly defs: readonly Definition[];
  /** Records whose class takes more parameters than the manifest passes: `start()` fails on them. */
  readonly stale: readonly StaleRecord[];
  /** The manifest's `order` (the codegen's load order) as indices into `defs`, when it has one of their length. */
  readonly order: ArrayLike<number> | undefined;
}

interface Cached extends ManifestDefinitions {
  readonly origin: number;
  /** The records the definitions were made from: a hit needs the very same ones (and order). */
  readonly records: readonly ModuleRecord[];
  readonly recordOrder: readonly number[] | undefined;
}

const cache = new WeakMap<object, Cached>();

function sameRecords(a: readonly ModuleRecord[], b: readonly ModuleRecord[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The definitions of a manifest's records, defaults filled in, sorted by id, after
 * checking the manifest's shape and that its ids and classes are unique. Definitions are
 * immutable, so containers created from one manifest share them (and skip the checks)
 * while its `modules` hold the same records; a manifest changed since is read afresh.
 *
 * @param what how messages name the manifest
 * @param packages names of the manifests loaded so far, for messages
 */
export function definitionsOf(
  manifest: unknown,
  origin: number,
  what: string,
  packages: readonly string[],
): ManifestDefinitions {
  const cached = cache.get(manifest as object);
  const { modules, order } = (manifest ?? {}) as Partial<Manifest>;
  if (
    cached !== undefined &&
    cached.origin === origin &&
    cached.recordOrder === order &&
    Array.isArray(modules) &&
    sameRecords(cached.records, modules)
  ) {
    return cached;
  }
  assertManifest(manifest, what);
  const validated = manifest.validated === true;
  const records = manifest.modules;
  // one pass: each record's definition and whether it is stale (indexed loops: a first boot
  // runs this in V8's interpreter, where a closure or an iterator per record shows)
  const defs: Definition[] = new Array<Definition>(records.length);
  const stale: StaleRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const count = parameterCount(record.deps ?? NONE);
    defs[i] = definitionOf(record, origin, validated, count);
    const old = staleRecord(record, count);
    if (old !== undefined) stale.push(old);
  }
  // Sorted by id once here, so each container's own sort by id meets sorted input.
  const moved = sortById(defs);
  assertUnique(defs, packages);
  noteGeneratedManifest(manifest);
  const result: Cached = {
    origin,
    records: records.slice(),
    recordOrder: manifest.order,
    defs,
    stale,
    order: manifest.order?.length === defs.length ? placed(manifest.order, moved) : undefined,
  };
  cache.set(manifest, result);
  return result;
}

/**
 * The definition last made of each record: another manifest holding the same record (a
 * tenant's, made per tenant from the app's records) shares it instead of a copy per container.
 */
const byRecord = new WeakMap<ModuleRecord, Definition>();

/** A manifest record as a definition, defaults filled in (shared while origin and validation match). */
function definitionOf(record: ModuleRecord, origin: number, validated: boolean, count: number): Definition {
  const known = byRecord.get(record);
  if (known !== undefined && known.origin === origin && known.validated === validated) return known;
  const def = newDefinition(record, origin, validated, count);
  byRecord.set(record, def);
  return def;
}

/** Sorts `defs` (in record order) by id; returns where each record's definition went, or `undefined` when none moved. */
function sortById(defs: Definition[]): Int32Array | undefined {
  let sorted = true;
  for (let i = 1; i < defs.length && sorted; i++) sorted = compareIds(defs[i - 1]!.id, defs[i]!.id) <= 0;
  if (sorted) return undefined;
  const byRecord = defs.slice();
  const indices: number[] = new Array<number>(defs.length);
  for (let i = 0; i < defs.length; i++) indices[i] = i;
  indices.sort((a, b) => compareIds(byRecord[a]!.id, byRecord[b]!.id));
  const moved = new Int32Array(defs.length);
  for (let k = 0; k < indices.length; k++) {
    defs[k] = byRecord[indices[k]!]!;
    moved[indices[k]!] = k;
  }
  return moved;
}

/** Record indices as indices into the definitions sorted by id. */
function placed(order: readonly number[], moved: Int32Array | undefined): ArrayLike<number> {
  if (moved === undefined) return order;
  const positions = new Int32Array(order.length);
  // an index past the records stays one, so the order is ignored (planned-order.ts)
  for (let k = 0; k < order.length; k++) positions[k] = moved[order[k]!] ?? order.length;
  return positions;
}

function newDefinition(record: ModuleRecord, origin: number, validated: boolean, count: number): Definition {
  const { provider, deps = NONE } = record;
  const handle = provider ?? record.class;
  const prototype = provider === undefined ? (record.class.prototype as Prototype | undefined) : undefined;
  const direct = record.create;
  return {
    id: record.id,
    version: record.version ?? "0.0.0",
    scope: record.scope ?? "singleton",
    handle,
    provider,
    create: direct ?? sharedCreate(handle, count),
    shared: direct === undefined ? sharedConstruction(handle, deps, count) : undefined,
    deps,
    provides: record.provides ?? NONE,
    capabilities: record.capabilities ?? NONE,
    when: record.when,
    metadata: record.metadata ?? {},
    asyncInit: record.asyncInit ?? false,
    hasInit: typeof prototype?.onInit === "function",
    hasReady: provider === undefined ? typeof prototype?.onReady === "function" : undefined,
    args: record.args ?? 0,
    initTimeoutMs: record.initTimeoutMs,
    tenant: record.tenant === true,
    primary: record.primary === true,
    source: record.source,
    origin,
    validated,
  };
}

interface Prototype {
  readonly onInit?: unknown;
  readonly onReady?: unknown;
}

/**
 * One module in one container: its definition plus the container's state for it.
 * A child container shares the parent's nodes except those it rebuilds.
 */
export class ModuleNode {
  active = true;
  /** Why the module is inactive, for messages. */
  inactiveReason = "";
  /** Active providers per dependency, sorted by id (linking result). */
  targets: (readonly ModuleNode[])[] = [];
  state: ModuleState = "pending";
  instance: unknown = undefined;
  error: unknown = undefined;
  /** What generated code calls: `r(i)`. Set once when the node is linked, never per resolve. */
  resolve: Resolve = unlinked;
  /** `[this]`: shared by every edge that targets this node alone. */
  readonly asTarget: readonly ModuleNode[] = [this];
  /** Shared by concurrent `resolve` calls of one lazy module. */
  building: Promise<unknown> | undefined = undefined;
  /** The instance came from an override's `useValue`: not ours to initialize or dispose. */
  external = false;
  buildMs = 0;
  initMs = 0;
  /** Factory scope: builds a new instance, set when the container links the node. */
  make: (() => unknown) | undefined = undefined;
  /** Factory scope: how many factory builds one `make()` nests, itself included (0: not measured). */
  chainDepth = 0;
  /** Scratch index used while ordering; meaningless elsewhere. */
  position = -1;

  constructor(
    readonly def: Definition,
    /** The container that builds and disposes this node's instance. */
    readonly owner: object,
  ) {}

  get id(): string {
    return this.def.id;
  }
}
