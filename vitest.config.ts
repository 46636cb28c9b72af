import { defineConfig } from "vitest/config";

// CI asks for a machine-readable result file (`.ci/run` prints the pass/fail count from it).
const jsonOut = process.env["MODREG_VITEST_JSON"];

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "packages/examples/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "**/fixtures/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: jsonOut ? ["default", ["json", { outputFile: jsonOut }]] : ["default"],
  },
});
