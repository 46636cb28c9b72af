/**
 * The load order of a manifest, written into its packed data (`order`, see `Manifest.order`
 * in @modreg/core) so a first boot does not compute it: what core's `start()` computes for
 * the manifest loaded alone — dependencies first, ties broken by id, over the same build
 * edges (`Lazy`, `Factory` and `Resolver` dependencies are not) with the same targets (an
 * interface dependency's providers, its one primary for a single value). Only for a manifest
 * without conditions: a `when` or a tenant module makes the graph depend on the container.
 */
import { compareIds, topologicalOrder } from "@modreg/core";
import type { ModuleData } from "../records.js";

/** Record indices in load order; `undefined` when the manifest has conditions (or a cycle). */
export function loadOrder(modules: readonly ModuleData[]): number[] | undefined {
  if (modules.some((m) => m.when !== undefined || m.tenant)) return undefined;
  const byId = new Map(modules.map((m, i) => [m.id, i]));
  const providers = new Map<string, number[]>();
  modules.forEach((m, i) => {
    for (const key of m.provides) {
      const list = providers.get(key);
      if (list === undefined) providers.set(key, [i]);
      else list.push(i);
    }
  });
  const byIdOrder = modules.map((_, i) => i).sort((a, b) => compareIds(modules[a]!.id, modules[b]!.id));
  const rank = new Int32Array(modules.length);
  byIdOrder.forEach((i, r) => (rank[i] = r));
  const edges = modules.map((m) =>
    m.deps.flatMap((dep) => {
      if (dep.inject === "lazy" || dep.inject === "factory" || dep.inject === "resolver") return [];
      if (dep.iface === undefined) {
        const target = byId.get(dep.id!);
        return target === undefined ? [] : [target];
      }
      const all = providers.get(dep.iface) ?? [];
      return dep.multi ? all : chosen(all, modules);
    }),
  );
  return topologicalOrder(edges, rank).order;
}

/** Core's `choosePrimary`: the one primary among several providers, else all of them. */
function chosen(providers: readonly number[], modules: readonly ModuleData[]): readonly number[] {
  if (providers.length < 2) return providers;
  const primaries = providers.filter((i) => modules[i]!.primary);
  return primaries.length === 0 ? providers : primaries;
}
