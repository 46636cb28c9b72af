import { JSON_MARKER } from "../outputs.js";
import type { ManifestData, ModuleData } from "../records.js";

/** One edge of the graph data: a dependency resolved to the module(s) that satisfy it. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** `Lazy` / `Factory`: checked but never built early, never part of a cycle. */
  readonly deferred: boolean;
  readonly optional: boolean;
}

/** Every edge between the manifest's modules, interface dependencies expanded to their providers. */
export function graphEdges(data: ManifestData): GraphEdge[] {
  const providers = new Map<string, string[]>();
  for (const m of data.modules) {
    for (const key of m.provides) {
      const list = providers.get(key);
      if (list) list.push(m.id);
      else providers.set(key, [m.id]);
    }
  }
  const ids = new Set(data.modules.map((m) => m.id));
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const m of data.modules) {
    for (const dep of m.deps) {
      const targets =
        dep.id !== undefined ? (ids.has(dep.id) ? [dep.id] : []) : (providers.get(dep.iface!) ?? []);
      const deferred = dep.inject === "lazy" || dep.inject === "factory" || dep.inject === "resolver";
      for (const to of [...targets].sort()) {
        const key = `${m.id}\0${to}\0${deferred}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push({ from: m.id, to, deferred, optional: dep.optional === true });
      }
    }
  }
  return edges;
}

/** The `--json` data: the graph as plain data, one entry per module. */
export function writeJson(data: ManifestData): string {
  const modules = data.modules.map((m) => ({
    id: m.id,
    kind: m.kind,
    version: m.version,
    scope: m.scope,
    capabilities: m.capabilities,
    provides: m.provides,
    dependencies: m.deps.map((d) => ({
      ...(d.id !== undefined && { id: d.id }),
      ...(d.iface !== undefined && { iface: d.iface }),
      ...(d.range !== undefined && { range: d.range }),
      optional: d.optional === true,
      deferred: d.inject === "lazy" || d.inject === "factory" || d.inject === "resolver",
      multi: d.multi === true,
      inject: d.inject ?? "value",
      ...(d.param !== undefined && { param: d.param }),
    })),
    ...(m.when && { when: m.when }),
    ...(m.metadata && { metadata: m.metadata }),
    asyncInit: m.asyncInit,
    args: m.args,
    ...(m.initTimeoutMs !== undefined && { initTimeoutMs: m.initTimeoutMs }),
    ...(m.tenant && { tenant: true }),
    [m.kind === "provider" ? "provider" : "class"]: className(m),
    source: m.source,
  }));
  const json = {
    ...JSON_MARKER,
    formatVersion: data.formatVersion,
    ...(data.package !== undefined && { package: data.package }),
    modules,
    edges: graphEdges(data),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function className(m: ModuleData): string {
  return m.class.name ?? "default";
}
