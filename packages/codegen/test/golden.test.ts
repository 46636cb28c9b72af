import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createGenerator, formatDiagnostics, validate } from "../src/index.js";
import { expectGolden, FIXTURES, fixtureCases, fixtureOptions } from "./helpers.js";

describe("golden fixtures", () => {
  for (const name of fixtureCases()) {
    it(`generates ${name} as expected`, () => {
      const dir = path.join(FIXTURES, name);
      const options = fixtureOptions(dir);
      const generator = createGenerator({
        project: dir,
        write: false,
        ...(options.include && { include: options.include }),
        ...(options.exclude && { exclude: options.exclude }),
      });
      const result = generator.run();
      const format = { projectDir: dir, cwd: dir, color: false };
      const text = result.diagnostics.length > 0 ? formatDiagnostics(result.diagnostics, format) : "";
      expectGolden(path.join(dir, "expected-diagnostics.txt"), text);
      const generated = path.join(dir, "src", "modules.generated.ts");
      if (result.diagnostics.length === 0) expectGolden(generated, result.code);
      else expect(existsSync(generated)).toBe(false);
      // a diagnostic fixture is named after the code it demonstrates
      const code = /^(mr\d{4})-/.exec(name)?.[1]?.toUpperCase();
      if (code !== undefined) expect(result.diagnostics.map((d) => d.code)).toContain(code);
      if (options.active) {
        const active = validate(generator.lastScan!, options.active);
        const activeText = active.diagnostics.length > 0 ? formatDiagnostics(active.diagnostics, format) : "";
        expectGolden(path.join(dir, "expected-active-diagnostics.txt"), activeText);
      }
    });
  }
});
