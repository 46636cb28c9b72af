/**
 * Correctness before speed: a contender is only timed after it has shown, on the very graph it
 * will race on, that a singleton is really shared and a factory-scoped (transient) module is
 * really new on every resolve, down to the injected fields.
 */
import type { Graph } from "./graphs.ts";
import type { Instance } from "./peers.ts";

export class BenchCheckError extends Error {}

/**
 * Correctness failures of modreg's own container or codegen seen during the run. A peer
 * failing (typed-inject at 10,000 modules) is the peer's limit and is only reported; modreg
 * failing makes the run exit 1, so the CI smoke run catches a wrong result, never a slow one.
 */
export const modregFailures: string[] = [];

/** Records a failure when it is modreg's. */
export function noteFailure(who: string, message: string): void {
  if (who.startsWith("modreg")) modregFailures.push(`${who}: ${message}`);
}

function fail(who: string, g: Graph, message: string): never {
  throw new BenchCheckError(`${who} on ${g.name}: ${message}`);
}

function field(instance: unknown, dep: number): unknown {
  return (instance as Record<string, unknown>)[`m${dep}`];
}

/**
 * Resolves each node in `nodes` twice and checks identity, class and every injected field:
 * singletons (and lazy modules) must be the same object everywhere they appear, factory-scoped
 * ones a fresh object per resolve and per injection.
 */
export function checkGraph(who: string, g: Graph, inst: Instance, nodes: Iterable<number>): void {
  for (const i of nodes) {
    const key = inst.keys[i];
    const cls = inst.classes[i];
    if (cls === undefined) fail(who, g, `no class for node ${i}`);
    const a = inst.get(key);
    const b = inst.get(key);
    if (!(a instanceof cls)) fail(who, g, `node ${i} is not an instance of ${cls.name}`);
    const transient = g.scopes[i] === "factory";
    if (transient && a === b) fail(who, g, `factory-scoped node ${i} returned the same object twice`);
    if (!transient && a !== b) fail(who, g, `singleton node ${i} returned two different objects`);
    for (const d of g.deps[i] ?? []) {
      const depCls = inst.classes[d];
      const fa = field(a, d);
      if (depCls === undefined || !(fa instanceof depCls))
        fail(who, g, `node ${i}.m${d} has the wrong class`);
      if (g.scopes[d] === "factory") {
        if (fa === field(b, d)) fail(who, g, `node ${i}.m${d} (factory) is shared between two resolves`);
      } else if (fa !== inst.get(inst.keys[d])) {
        fail(who, g, `node ${i}.m${d} is not the container's singleton`);
      }
    }
  }
}

/** Every node index of `g`, or an evenly spread sample of `limit` of them. */
export function sampleNodes(g: Graph, limit: number): number[] {
  const n = g.names.length;
  const step = Math.max(1, Math.floor(n / limit));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/** The name of the hand-written composition root in every table. */
export const HAND_WRITTEN = "new (hand-written)";

/** Checks what `g.handBuild()` returned: one instance of the right class per node. */
export function checkHandBuild(g: Graph, booted: unknown): void {
  const all = booted as unknown[];
  g.classes.forEach((cls, i) => {
    if (!(all[i] instanceof cls))
      throw new BenchCheckError(`hand-written boot: node ${i} has the wrong class`);
  });
}
