/**
 * Scratch copies of fixture projects. They live under the repository's `.tmp/` (ignored by
 * git), not in the OS temp dir, so `@modreg/core`, tsyringe and reflect-metadata resolve
 * through the workspace's node_modules exactly as in the fixture itself.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./run.js";

export const fixturesDir = join(repoRoot, "test", "fixtures");

/** Copies `test/fixtures/<name>` to a fresh directory and returns its path. */
export function copyFixture(name: string): string {
  const scratch = join(repoRoot, ".tmp", "e2e");
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, `${name}-`));
  cpSync(join(fixturesDir, name), dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
