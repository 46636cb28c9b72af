/**
 * The packed manifest: what `modreg generate` writes. The same records as a {@link Manifest},
 * in a form that is cheap to load: the classes in one array, the plain data as one JSON text
 * (one record per line) with shared tables for repeated strings, and a direct `create` call
 * only for modules built on every use (factory scope). `unpackManifest` turns it into an
 * ordinary `Manifest` when the generated file is imported; nothing else in the container
 * knows the packed form exists.
 *
 * The JSON text is `{ "files": [...], "keys": [...], "modules": [ record, ... ] }`. A record
 * holds the fields of a {@link ModuleRecord} under their own names, except:
 * - no `class`/`provider` (it is `handles[i]`) and no `create` (it is `create[i]`, if any);
 * - `provides`: indices into `keys`;
 * - `deps`: each `[target, param, flags, range, extra]`, trailing defaults left out —
 *   `target` a number `n ≥ 0` (the id of record `n` of this manifest), a string (any other
 *   id) or a negative number `-(k + 1)` (interface `keys[k]`); `param` a string or `null`;
 *   `flags` bit 0 `optional`, bit 1 `multi`, bits 2–4 `inject` (0 value, 1 lazy, 2 factory,
 *   3 none, 4 resolver); `range` a string or `null`; `extra` an object of further fields, copied as they are;
 * - `at`: `[file index, line, column]` for `source`.
 * Next to `modules`, `order` (optional) is the manifest's `order`: record indices in load order.
 * Any other field is copied as it is, so a new record field needs no change here.
 */
import { ModuleRegistryError } from "./errors.js";
import type {
  DependencyRecord,
  InjectionKind,
  MANIFEST_FORMAT_VERSION,
  Manifest,
  ModuleRecord,
  Resolve,
} from "./manifest.js";
import type { ModuleHandle } from "./node.js";
import { isProvider } from "./provider.js";

/** A generated direct call: `(r) => new Report(r(0))`. */
type DirectCreate = (r: Resolve, args: readonly unknown[]) => unknown;

/** The packed form of a manifest (see the module comment for the JSON layout). */
export interface PackedManifest {
  readonly formatVersion: typeof MANIFEST_FORMAT_VERSION;
  readonly package?: string;
  readonly validated?: boolean;
  /** Per record, in order: its class or provider. */
  readonly handles: readonly ModuleHandle[];
  /** Direct calls by record index, for modules built on every use. */
  readonly create?: Readonly<Record<number, DirectCreate>>;
  /** The records' data as JSON. */
  readonly data: string;
}

type PackedDep = [
  target: number | string,
  param?: string | null,
  flags?: number,
  range?: string | null,
  extra?: Record<string, unknown>,
];

interface PackedData {
  readonly files?: readonly string[];
  readonly keys?: readonly string[];
  readonly modules: readonly Record<string, unknown>[];
  readonly order?: readonly number[];
}

const INJECT: readonly InjectionKind[] = ["value", "lazy", "factory", "none", "resolver"];

function invalid(problem: string): ModuleRegistryError {
  return new ModuleRegistryError(
    "INVALID_MANIFEST",
    `the packed manifest is malformed: ${problem}. Regenerate it with \`modreg generate\`.`,
  );
}

function parseData(text: unknown): PackedData {
  if (typeof text !== "string") throw invalid("data must be a JSON string");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(`data is not JSON (${(error as Error).message})`);
  }
  const modules = (data as { modules?: unknown } | null)?.modules;
  if (!Array.isArray(modules)) throw invalid("data has no modules array");
  return data as PackedData;
}

function tableEntry(table: readonly string[] | undefined, index: unknown, what: string, id: string): string {
  const entry = typeof index === "number" ? table?.[index] : undefined;
  if (entry === undefined)
    throw invalid(`module "${id}" names ${what} ${String(index)}, which is not in the table`);
  return entry;
}

function depOf(
  packed: unknown,
  ids: readonly string[],
  keys: readonly string[] | undefined,
  id: string,
): DependencyRecord {
  if (!Array.isArray(packed)) throw invalid(`a dependency of module "${id}" is not an array`);
  // indexed, not destructured: an array pattern runs the iterator protocol in the interpreter
  const entry = packed as PackedDep;
  const target = entry[0];
  const param = entry[1];
  const flags = entry[2] ?? 0;
  const range = entry[3];
  const extra = entry[4];
  const dep: Record<string, unknown> = {};
  if (typeof target === "string") dep["id"] = target;
  else if (typeof target === "number" && target < 0)
    dep["iface"] = tableEntry(keys, -target - 1, "interface", id);
  else dep["id"] = tableEntry(ids, target, "module", id);
  if (range !== undefined && range !== null) dep["range"] = range;
  if ((flags & 1) !== 0) dep["optional"] = true;
  if ((flags & 2) !== 0) dep["multi"] = true;
  const inject = INJECT[(flags >> 2) & 7];
  if (inject === undefined) throw invalid(`a dependency of module "${id}" has unknown flags ${flags}`);
  if (inject !== "value") dep["inject"] = inject;
  if (param !== undefined && param !== null) dep["param"] = param;
  if (extra !== undefined) Object.assign(dep, extra);
  return dep;
}

/** The record packed row `i` describes, with its handle and direct `create`. */
function recordOf(
  row: Record<string, unknown>,
  i: number,
  handle: unknown,
  direct: DirectCreate | undefined,
  ids: readonly string[],
  data: PackedData,
): ModuleRecord {
  const id = ids[i]!;
  const record: Record<string, unknown> = {};
  for (const field in row) {
    const value = row[field];
    if (field === "deps" && Array.isArray(value)) {
      const deps: DependencyRecord[] = new Array<DependencyRecord>(value.length);
      for (let d = 0; d < value.length; d++) deps[d] = depOf(value[d], ids, data.keys, id);
      record["deps"] = deps;
    } else if (field === "provides" && Array.isArray(value))
      record["provides"] = value.map((k) => tableEntry(data.keys, k, "interface", id));
    else if (field === "at" && Array.isArray(value)) {
      const at = value as readonly unknown[];
      record["source"] = { file: tableEntry(data.files, at[0], "file", id), line: at[1], column: at[2] };
    } else record[field] = value;
  }
  if (isProvider(handle)) record["provider"] = handle;
  else record["class"] = handle;
  if (direct !== undefined) record["create"] = direct;
  return record as unknown as ModuleRecord;
}

/**
 * The ordinary manifest a packed one describes: what a generated file exports. Checks only
 * what it needs to unpack (tables, indices, one handle per record); `createContainer` then
 * checks the records like any manifest's. `R` is the registry type the manifest carries
 * (`Manifest<Registry>`), inferred from where the result goes.
 *
 * @example
 * export const manifest: Manifest = unpackManifest({ formatVersion: 1, handles: [Config], data: `{"modules":[{"id":"config"}]}` });
 */
export function unpackManifest<R extends object = object>(packed: PackedManifest): Manifest<R> {
  if (typeof packed !== "object" || packed === null) throw invalid("it is not an object");
  const { handles, create = {} } = packed;
  const data = parseData(packed.data);
  if (!Array.isArray(handles) || handles.length !== data.modules.length) {
    throw invalid(
      `it has ${data.modules.length} records but ${Array.isArray(handles) ? handles.length : "no"} handles`,
    );
  }
  const rows = data.modules;
  const ids: string[] = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const id = rows[i]!["id"];
    ids[i] = typeof id === "string" ? id : "";
  }
  const modules: ModuleRecord[] = new Array<ModuleRecord>(rows.length);
  for (let i = 0; i < rows.length; i++) modules[i] = recordOf(rows[i]!, i, handles[i], create[i], ids, data);
  return {
    formatVersion: packed.formatVersion,
    ...(packed.package !== undefined && { package: packed.package }),
    ...(packed.validated !== undefined && { validated: packed.validated }),
    modules,
    ...(data.order !== undefined && { order: data.order }),
  };
}
