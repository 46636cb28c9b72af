import { describe, expect, it } from "vitest";
import type { ScanResult, ScannedModule } from "../src/index.js";
import { checkDecoratorEmit } from "../src/validate/toolchain.js";

function scan(mode: "standard" | "legacy", target: string, modules = 1): ScanResult {
  return {
    projectDir: "/p",
    packageName: undefined,
    importStyle: "js",
    modules: Array.from({ length: modules }, () => ({}) as ScannedModule),
    types: new Map(),
    collisions: [],
    decorators: { mode, target, tsconfig: "tsconfig.json" },
  };
}

describe("MR1003: decorators Node cannot parse", () => {
  it("warns for standard decorators with target ESNext, naming the fix", () => {
    const [warning, ...rest] = checkDecoratorEmit(scan("standard", "ESNext"));
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ code: "MR1003", severity: "warning" });
    expect(warning?.message).toContain('tsconfig.json compiles standard decorators with "target": "ESNext"');
    expect(warning?.hint).toContain('"target": "ES2022"');
    expect(warning?.hint).toContain("--target=node20");
  });

  it("is silent for targets TypeScript lowers, for legacy decorators and without modules", () => {
    expect(checkDecoratorEmit(scan("standard", "ES2022"))).toEqual([]);
    expect(checkDecoratorEmit(scan("standard", "ES2025"))).toEqual([]);
    expect(checkDecoratorEmit(scan("legacy", "ESNext"))).toEqual([]);
    expect(checkDecoratorEmit(scan("standard", "ESNext", 0))).toEqual([]);
  });
});
