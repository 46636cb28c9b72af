/** What the tenant benchmarks share: the median, the machine's load and a tenant's ten flags. */
import { availableParallelism, loadavg } from "node:os";
import type { FlagValue } from "../src/index.js";

/** "load 1.23 / 0.98 / 0.75 on 2 cores": figures from a busy machine are read with this in mind. */
export function loadLine(): string {
  return `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} on ${availableParallelism()} cores`;
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Ten flags, as a SaaS tenant has them: eight booleans, a plan and a seat count. */
export function tenantFlags(i: number): Record<string, FlagValue> {
  const flags: Record<string, FlagValue> = {};
  for (let f = 0; f < 8; f++) flags[`feature-${f}`] = (i + f) % 3 === 0;
  flags["plan"] = i % 2 === 0 ? "pro" : "free";
  flags["seats"] = (i % 50) + 1;
  return flags;
}
