import { findCaptive, formatPath } from "@modreg/core";
import { error, type Diagnostic } from "../diagnostics.js";
import type { Edge, ResolvedModule } from "./resolve.js";

/**
 * Captive dependencies (MR3010–MR3012): a singleton or lazy module lives as long as the
 * container, so an edge from it to a scoped module — directly (MR3010), through factory
 * modules it builds (MR3011), or through a `Lazy`/`Factory` it could call later (MR3012) —
 * would keep one scope's instance for every scope. Reported at the first edge, with the path.
 */
export function checkCaptives(resolved: readonly ResolvedModule[], diagnostics: Diagnostic[]): void {
  if (!resolved.some((r) => r.module.scope === "scoped")) return;
  const byId = new Map(resolved.map((r) => [r.module.id, r]));
  const scopeOf = (id: string) => byId.get(id)?.module.scope ?? "singleton";
  const edgesOf = (id: string) => byId.get(id)?.edges ?? [];
  for (const { module, edges } of resolved) {
    const found = findCaptive<string>(module.id, scopeOf, (id) => edgesOf(id));
    if (found === undefined) continue;
    const { path, deferred } = found;
    const steps = path.slice(1).map((to, i) => edgeTo(edgesOf(path[i]!), to));
    const first = steps[0] ?? edges[0]!;
    const scoped = path[path.length - 1]!;
    const code = deferred ? "MR3012" : path.length > 2 ? "MR3011" : "MR3010";
    const how = deferred
      ? "through a Lazy/Factory it may call at any time"
      : path.length > 2
        ? `through factory module${path.length > 3 ? "s" : ""} ${path.slice(1, -1).join(", ")}`
        : "directly";
    diagnostics.push(
      error(
        code,
        `captive dependency: ${module.scope} module ${module.id} would hold on to scoped module ${scoped} (${how}): ${formatPath(path)}`,
        first.location,
        {
          path,
          hint: deferred
            ? `make ${module.id} scope: "scoped" too, or pass the scope to the method that needs ${scoped} and call scope.get() there; a singleton never keeps a Lazy or Factory of a scoped module`
            : `make ${module.id} scope: "scoped" too (one per scope), or pass ${scoped} to its methods instead of its constructor`,
          related: steps.slice(1).map((step, i) => ({
            ...step.location,
            message: `${path[i + 1]!} depends on ${path[i + 2]!} here`,
          })),
        },
      ),
    );
  }
}

function edgeTo(edges: readonly Edge[], to: string): Edge {
  return edges.find((e) => e.to === to && e.build) ?? edges.find((e) => e.to === to)!;
}
