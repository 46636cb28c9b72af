import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { formatDiagnostics } from "../src/index.js";
import { summary } from "../src/migrate/cli.js";
import { unifiedDiff } from "../src/migrate/diff.js";
import { migrate, writeMigration, type MigrateSource } from "../src/migrate/migrate.js";
import { expectGolden, REPO, runModreg, UPDATE } from "./helpers.js";

// Golden before/after fixtures of `modreg migrate`: `<case>/src` is a project as written for
// tsyringe or InversifyJS (each construct the README lists appears in one), `<case>/expected/`
// holds every file the migration changes or creates, and `summary.txt` what was left (with
// file:line and why) and the summary. MODREG_UPDATE_GOLDEN=1 rewrites them.
const CASES = fileURLToPath(new URL("./migrate/fixtures/", import.meta.url));
const fromOf = (name: string): MigrateSource => (name.startsWith("inversify") ? "inversify" : "tsyringe");

function listFiles(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

describe("modreg migrate golden fixtures", () => {
  for (const name of readdirSync(CASES).sort()) {
    it(`migrates ${name} as expected`, () => {
      const dir = path.join(CASES, name);
      const result = migrate({ project: path.join(dir, "tsconfig.json"), from: fromOf(name) });
      const expectedDir = path.join(dir, "expected");
      if (UPDATE) rmSync(expectedDir, { recursive: true, force: true });
      const changed: string[] = [];
      for (const change of result.changes) {
        const rel = path.relative(dir, change.file).split(path.sep).join("/");
        changed.push(rel);
        const golden = path.join(expectedDir, rel);
        if (UPDATE) mkdirSync(path.dirname(golden), { recursive: true });
        expectGolden(golden, change.after);
      }
      const format = { projectDir: dir, cwd: dir, color: false };
      if (UPDATE) mkdirSync(expectedDir, { recursive: true });
      expectGolden(
        path.join(expectedDir, "summary.txt"),
        formatDiagnostics(result.diagnostics, format) + summary(result, true),
      );
      const goldens = listFiles(expectedDir).filter((f) => f !== "summary.txt");
      expect(goldens.sort()).toEqual(changed.sort());
    });
  }
});

describe("modreg migrate writes all or nothing", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  /** A scratch copy inside the repository, so tsyringe and inversify resolve. */
  const scratch = (name: string): string => {
    const root = path.join(REPO, ".tmp", "migrate");
    mkdirSync(root, { recursive: true });
    dir = mkdtempSync(path.join(root, `${name}-`));
    cpSync(path.join(CASES, name), dir, { recursive: true });
    rmSync(path.join(dir, "expected"), { recursive: true });
    return dir;
  };
  const snapshot = (root: string): Record<string, string> =>
    Object.fromEntries(listFiles(root).map((f) => [f, readFileSync(path.join(root, f), "utf8")]));

  it("--dry-run prints a unified diff and the summary, and writes nothing", () => {
    const project = scratch("tsyringe");
    const before = snapshot(project);
    const run = runModreg(project, ["migrate", "--from", "tsyringe", "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("--- a/src/logger.ts\n+++ b/src/logger.ts\n@@ ");
    expect(run.stdout).toContain(
      "-@singleton()\n-export class MemoryLogger {\n+@Module()\n+export class MemoryLogger implements Logger {",
    );
    expect(run.stdout).toContain("--- /dev/null\n+++ b/src/providers.ts");
    expect(run.stdout).toMatch(/\(dry run: nothing written\): converted 6 classes, 7 parameters, 7 bindings/);
    expect(run.stderr).toMatch(/src\/main\.ts:17:1 - warning MR2022: left as it was: the value uses local/);
    expect(snapshot(project)).toEqual(before);
  });

  it("writes every file the dry run showed", () => {
    const project = scratch("inversify");
    const planned = migrate({ project: path.join(project, "tsconfig.json"), from: "inversify" });
    const run = runModreg(project, ["migrate", "--from", "inversify"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^changed 5 file\(s\):/m);
    for (const change of planned.changes) expect(readFileSync(change.file, "utf8")).toBe(change.after);
  });

  it("refuses with MR1005 and writes nothing when a file changed after it was read", () => {
    const project = scratch("tsyringe");
    const result = migrate({ project: path.join(project, "tsconfig.json"), from: "tsyringe" });
    writeFileSync(path.join(project, "src", "plugins.ts"), "// edited meanwhile\n");
    const before = snapshot(project);
    const failed = writeMigration(result);
    expect(failed.map((d) => d.code)).toEqual(["MR1005"]);
    expect(failed[0]!.message).toMatch(
      /src\/plugins\.ts changed while the migration ran: nothing was written/,
    );
    expect(snapshot(project)).toEqual(before);
  });

  it("writes nothing (MR1006) when one file cannot be written, even after the others were prepared", () => {
    const project = scratch("tsyringe");
    const result = migrate({ project: path.join(project, "tsconfig.json"), from: "tsyringe" });
    const before = snapshot(project);
    const unwritable = {
      file: path.join(project, "src", "no-such-dir", "x.ts"),
      before: undefined,
      after: "x\n",
    };
    const failed = writeMigration({ ...result, changes: [...result.changes, unwritable] });
    expect(failed.map((d) => d.code)).toEqual(["MR1006"]);
    expect(failed[0]!.message).toMatch(/every file is as it was/);
    expect(snapshot(project)).toEqual(before);
  });

  it("edits only files inside the project", () => {
    const project = scratch("tsyringe");
    const result = migrate({ project: path.join(project, "tsconfig.json"), from: "tsyringe" });
    for (const change of result.changes) expect(path.relative(project, change.file)).not.toMatch(/^\.\./);
    expect(result.changes.some((c) => c.file.includes("node_modules"))).toBe(false);
  });

  it("needs --from tsyringe or inversify (exit 2)", () => {
    const project = scratch("tsyringe");
    const run = runModreg(project, ["migrate", "--from", "typedi"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--from must be tsyringe or inversify (got "typedi")');
  });
});

describe("unifiedDiff", () => {
  it("shows removals before additions, with three lines of context", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h"].join("\n") + "\n";
    const after = ["a", "b", "c", "d", "E", "f", "g", "h"].join("\n") + "\n";
    expect(unifiedDiff("x.ts", before, after)).toBe(
      "--- a/x.ts\n+++ b/x.ts\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n",
    );
    expect(unifiedDiff("x.ts", before, before)).toBe("");
  });
});
