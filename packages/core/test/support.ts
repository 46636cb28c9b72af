import type {
  ClassRecord,
  Constructor,
  DependencyRecord,
  Manifest,
  ModuleRecord,
  Provider,
  ProviderRecord,
  RecordFields,
} from "../src/index.js";

type RecordOptions<T> = Omit<RecordFields, "id"> & Partial<Pick<ClassRecord<T>, "create">>;

function paramCount(options: Pick<RecordFields, "deps">): number {
  return (options.deps ?? []).filter((d: DependencyRecord) => d.inject !== "none").length;
}

/**
 * A manifest record the way the codegen writes one: constructor parameters first in
 * `deps`, `create` a direct constructor call over them and the runtime arguments.
 */
export function mod<T>(id: string, cls: Constructor<T>, options: RecordOptions<T> = {}): ClassRecord<T> {
  const params = paramCount(options);
  const Ctor = cls as unknown as new (...args: unknown[]) => T;
  return {
    id,
    class: cls,
    create: (r, a): T => new Ctor(...Array.from({ length: params }, (_, i) => r(i)), ...a),
    ...options,
  };
}

/** A provider record the way the codegen writes one: `create` calls the function directly. */
export function prov<T>(
  id: string,
  provider: Provider<T>,
  options: Omit<RecordFields, "id"> = {},
): ProviderRecord<T> {
  const params = paramCount(options);
  const fn = provider.fn as unknown as (...args: unknown[]) => T;
  return {
    id,
    provider,
    create: (r, a) => fn(...Array.from({ length: params }, (_, i) => r(i)), ...a),
    ...options,
  };
}

export function manifestOf(...modules: ModuleRecord[]): Manifest {
  return { formatVersion: 1, modules };
}

/** Collects what happened, in order, for lifecycle assertions. */
export class Journal {
  readonly entries: string[] = [];
  add(entry: string): void {
    this.entries.push(entry);
  }
}

export const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
