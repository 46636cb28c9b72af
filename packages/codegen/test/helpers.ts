import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** The golden fixture projects, one directory per case. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** The real CLI, as users run it. */
export const BIN = fileURLToPath(new URL("../bin/modreg.js", import.meta.url));

/** The repository root (where `node_modules/.bin/tsc` lives). */
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Set `MODREG_UPDATE_GOLDEN=1` to rewrite expected files instead of comparing with them. */
export const UPDATE = process.env["MODREG_UPDATE_GOLDEN"] === "1";

/** Every single-output fixture case, sorted (one with a `modreg.config.json` has several: entries.test.ts). */
export function fixtureCases(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !existsSync(path.join(FIXTURES, d.name, "modreg.config.json")))
    .map((d) => d.name)
    .sort();
}

/** Options a fixture may set in `fixture.json`. */
export interface FixtureOptions {
  readonly include?: string[];
  readonly exclude?: string[];
  /** Also validate the graph active under this condition (`modreg check --env/--feature`). */
  readonly active?: { env?: string; features?: string[] };
}

export function fixtureOptions(dir: string): FixtureOptions {
  const file = path.join(dir, "fixture.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as FixtureOptions) : {};
}

/** Compares `actual` with the golden file (or rewrites it in update mode). */
export function expectGolden(file: string, actual: string): void {
  if (UPDATE) {
    writeFileSync(file, actual);
    return;
  }
  expect(
    existsSync(file),
    `golden file ${path.relative(FIXTURES, file)} is missing (run with MODREG_UPDATE_GOLDEN=1)`,
  ).toBe(true);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/**
 * Runs the built CLI in `cwd` and waits for it. The colour variables of the test's own
 * environment are dropped, so only `env` decides (`FORCE_COLOR`, `NO_COLOR`).
 */
export function runModreg(
  cwd: string,
  argv: readonly string[],
  env: Record<string, string> = {},
  input?: string,
): { code: number | null; stdout: string; stderr: string } {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...rest } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...argv], {
    cwd,
    encoding: "utf8",
    env: { ...rest, ...env },
    ...(input !== undefined && { input }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
