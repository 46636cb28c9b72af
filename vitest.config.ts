import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// CI asks for a machine-readable result file (`.ci/run` prints the pass/fail count from it).
const jsonOut = process.env["MODREG_VITEST_JSON"];

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "packages/examples/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "**/fixtures/**"],
    // One test file per core. Vitest's default (cores − 1) runs one file at a time on a
    // 2-core machine, where most files wait on child processes (tsc, npm, bundlers) that
    // would keep the second core busy.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: jsonOut ? ["default", ["json", { outputFile: jsonOut }]] : ["default"],
  },
});
