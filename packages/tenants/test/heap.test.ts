/**
 * The heap budget, measured as `pnpm bench:tenants` measures it (the bench's heap part,
 * reduced to 2,000 tenants × 10 modules, in a process of its own with `--expose-gc`): a loaded
 * module costs at most 2 KB of heap, all of its tenant's container, context and state included.
 * A budget of bytes, not of time: the figure does not depend on the machine's load.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeRun, run } from "../../../test/support/run.js";

const bench = fileURLToPath(new URL("../bench/host.ts", import.meta.url));

/** `1.49 KB` or `812 B` as bytes. */
function bytesOf(figure: string): number {
  const [, value, unit] = /^([\d.]+) (KB|B)$/.exec(figure.trim()) ?? [];
  if (value === undefined) throw new Error(`not a heap figure: "${figure}"`);
  return Number(value) * (unit === "KB" ? 1024 : 1);
}

describe("heap of loaded tenants", () => {
  it("stays within 2 KB per loaded module and 1 KB per tenant's flags", () => {
    const result = run(process.execPath, ["--expose-gc", "--import", "tsx", bench], {
      env: { BENCH_ONLY: "heap", BENCH_QUICK: "1" },
      timeoutMs: 120_000,
    });
    expect(result.status, describeRun(result)).toBe(0);
    const row = (measure: string): number => {
      const line = result.stdout.split("\n").find((l) => l.startsWith(`| ${measure}`));
      if (line === undefined) throw new Error(`no "${measure}" row:\n${result.stdout}`);
      return bytesOf(line.split("|")[2] ?? "");
    };
    expect(row("heap per loaded module")).toBeLessThanOrEqual(2048);
    expect(row("heap per tenant's flags")).toBeLessThanOrEqual(1024);
  }, 120_000);
});
