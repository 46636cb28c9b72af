import path from "node:path";
import { describe, expect, it } from "vitest";
import { createGenerator, ProjectScanner, validate, writeManifest } from "../src/index.js";
import { FIXTURES } from "./helpers.js";

/** A seeded shuffle, so a failure can be reproduced. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("deterministic output", () => {
  for (const name of ["basic", "heritage", "default-export"]) {
    it(`generates ${name} byte-identically twice and regardless of file order`, () => {
      const dir = path.join(FIXTURES, name);
      const first = createGenerator({ project: dir, write: false }).run().code;
      const second = createGenerator({ project: dir, write: false }).run().code;
      expect(second).toBe(first);
      expect(first.endsWith("}\n")).toBe(true);
      expect(first).not.toContain("\r");

      const out = path.join(dir, "src", "modules.generated.ts");
      for (const seed of [1, 7, 42]) {
        const opened = ProjectScanner.open({ tsconfig: path.join(dir, "tsconfig.json"), out });
        const scan = opened.scanner!.scan((files) => shuffle(files, seed));
        const code = writeManifest(validate(scan).manifest, { out, importStyle: scan.importStyle });
        expect(code).toBe(first);
      }
      const reversed = ProjectScanner.open({ tsconfig: path.join(dir, "tsconfig.json"), out }).scanner!;
      const scan = reversed.scan((files) => [...files].reverse());
      expect(
        writeManifest(validate({ ...scan, modules: [...scan.modules].reverse() }).manifest, {
          out,
          importStyle: scan.importStyle,
        }),
      ).toBe(first);
    });
  }
});

describe("the syntactic fast path", () => {
  for (const name of [
    "basic",
    "heritage",
    "aliases",
    "inject-optional",
    "paths-alias",
    "runtime",
    "mr3005-cycle",
  ]) {
    it(`reads ${name} exactly as the type checker does`, () => {
      const dir = path.join(FIXTURES, name);
      const tsconfig = path.join(dir, "tsconfig.json");
      const out = path.join(dir, "src", "modules.generated.ts");
      const fast = ProjectScanner.open({ tsconfig, out }).scanner!.scan();
      const checked = ProjectScanner.open({ tsconfig, out, checkerOnly: true }).scanner!.scan();
      expect(fast.modules).toEqual(checked.modules);
      const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
      expect([...fast.types].sort(byKey)).toEqual([...checked.types].sort(byKey));
      expect(validate(fast)).toEqual(validate(checked));
    });
  }
});
