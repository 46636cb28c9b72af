import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, REPO, fixtureCases } from "./helpers.js";

const TSC = path.join(REPO, "node_modules", ".bin", "tsc");

describe("generated files type-check under strict", () => {
  const valid = fixtureCases().filter((name) =>
    existsSync(path.join(FIXTURES, name, "src", "modules.generated.ts")),
  );

  it("has valid fixtures to check", () => {
    expect(valid.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of valid) {
    it(`tsc --noEmit accepts ${name} with its generated manifest`, () => {
      const result = spawnSync(
        TSC,
        ["-p", path.join(FIXTURES, name, "tsconfig.json"), "--noEmit", "--pretty", "false"],
        {
          encoding: "utf8",
        },
      );
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
    });
  }
});
