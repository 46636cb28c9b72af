import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, examplesDir, modregInProcess } from "./support/run.js";
import { copyFixture, fixturesDir, removeDir } from "./support/workdir.js";

// What the diagnostics say, not the process: the command line runs in this process (the
// built CLI's exit codes and streams are packages/codegen/test/cli.test.ts's subject).

/**
 * Each broken fixture project holds one graph error. `at` is text on the line the
 * diagnostic must point at, so a fixture edit cannot silently move the expectation.
 */
const cases = [
  {
    fixture: "missing-provider",
    code: "MR3003",
    file: "src/signup.ts",
    at: "mailer: Mailer",
    says: /Mailer/,
  },
  { fixture: "unknown-id", code: "MR3002", file: "src/reports.ts", at: '"scheduler"', says: /scheduler/ },
  { fixture: "cycle", code: "MR3005", file: "src/a.ts", at: "b: B", says: /a -> b -> a/ },
  {
    fixture: "ambiguous",
    code: "MR3004",
    file: "src/catalog.ts",
    at: "cache: Cache",
    says: /memory-cache.*redis-cache/s,
  },
  {
    fixture: "version-mismatch",
    code: "MR3006",
    file: "src/repository.ts",
    at: "database@^3.0.0",
    says: /2\.3\.0/,
  },
  { fixture: "duplicate-id", code: "MR3001", file: "src/secondary.ts", at: '"storage"', says: /storage/ },
  { fixture: "non-static", code: "MR2001", file: "src/clock.ts", at: "id: pickId()", says: /pickId\(\)/ },
] as const;

function lineOf(fixture: string, file: string, text: string): number {
  const lines = readFileSync(join(fixturesDir, fixture, file), "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`fixture ${fixture}/${file} has no line with ${text}`);
  return index + 1;
}

describe("modreg generate on broken projects", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));

  it.each(cases)("$fixture: exit 1, file:line:col and $code on stderr, nothing written", async (c) => {
    const dir = copyFixture(c.fixture);
    dirs.push(dir);
    const result = await modregInProcess(
      ["generate", "--project", "tsconfig.json", "--out", "src/modules.generated.ts"],
      {
        cwd: dir,
      },
    );
    expect(result.status, describeRun(result)).toBe(1);

    const line = lineOf(c.fixture, c.file, c.at);
    const located = new RegExp(`^${c.file.replace(/[.]/g, "\\.")}:${line}:\\d+ - error ${c.code}:`, "m");
    expect(result.stderr, describeRun(result)).toMatch(located);
    expect(result.stderr).toMatch(c.says);

    expect(existsSync(join(dir, "src", "modules.generated.ts"))).toBe(false);
    const check = await modregInProcess(["check", "--project", "tsconfig.json"], { cwd: dir });
    expect(check.status, describeRun(check)).toBe(1);
  });

  it("checks the graph active under an environment (modreg check --env)", async () => {
    const production = await modregInProcess(["check", "--project", "tsconfig.json", "--env", "production"], {
      cwd: examplesDir,
    });
    expect(production.status, describeRun(production)).toBe(0);

    // The shop has a logger for development, test and production only.
    const staging = await modregInProcess(["check", "--project", "tsconfig.json", "--env", "staging"], {
      cwd: examplesDir,
    });
    expect(staging.status, describeRun(staging)).toBe(1);
    expect(staging.stderr).toMatch(/^src\/database\.ts:\d+:\d+ - error MR3003: .*Logger.*staging/m);
  });
});
