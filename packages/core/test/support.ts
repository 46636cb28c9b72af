import type { Constructor, DependencyRecord, Manifest, ModuleRecord } from "../src/index.js";

type RecordOptions<T> = Omit<ModuleRecord<T>, "id" | "class" | "create"> &
  Partial<Pick<ModuleRecord<T>, "create">>;

/**
 * A manifest record the way the codegen writes one: constructor parameters first in
 * `deps`, `create` a direct constructor call over them and the runtime arguments.
 */
export function mod<T>(id: string, cls: Constructor<T>, options: RecordOptions<T> = {}): ModuleRecord<T> {
  const params = (options.deps ?? []).filter((d: DependencyRecord) => d.inject !== "none").length;
  const Ctor = cls as unknown as new (...args: unknown[]) => T;
  return {
    id,
    class: cls,
    create: (r, a): T => new Ctor(...Array.from({ length: params }, (_, i) => r(i)), ...a),
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
