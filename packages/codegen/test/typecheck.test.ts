import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, fixtureCases } from "./helpers.js";
import { typecheck } from "./typecheck-host.js";

describe("generated files type-check under strict", () => {
  const valid = fixtureCases().filter((name) =>
    existsSync(path.join(FIXTURES, name, "src", "modules.generated.ts")),
  );

  it("has valid fixtures to check", () => {
    expect(valid.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of valid) {
    it(`tsc --noEmit accepts ${name} with its generated manifest`, () => {
      expect(typecheck(path.join(FIXTURES, name, "tsconfig.json"))).toBe("");
    });
  }
});
