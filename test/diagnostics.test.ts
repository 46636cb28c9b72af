import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, modreg } from "./support/run.js";
import { copyFixture, fixturesDir, removeDir } from "./support/workdir.js";

/**
 * Each broken fixture project holds one graph error. `at` is text on the line the
 * diagnostic must point at, so a fixture edit cannot silently move the expectation.
 */
const cases = [
  { fixture: "missing-provider", file: "src/signup.ts", at: "mailer: Mailer", says: /Mailer/ },
  { fixture: "unknown-id", file: "src/reports.ts", at: '"scheduler"', says: /scheduler/ },
  { fixture: "cycle", file: "src/a.ts", at: "b: B", says: /a -> b -> a/ },
  { fixture: "ambiguous", file: "src/catalog.ts", at: "cache: Cache", says: /memory-cache.*redis-cache/s },
  { fixture: "version-mismatch", file: "src/repository.ts", at: "database@^3.0.0", says: /2\.3\.0/ },
  { fixture: "duplicate-id", file: "src/secondary.ts", at: '"storage"', says: /storage/ },
  { fixture: "non-static", file: "src/clock.ts", at: "id: pickId()", says: /static/i },
] as const;

function lineOf(fixture: string, file: string, text: string): number {
  const lines = readFileSync(join(fixturesDir, fixture, file), "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`fixture ${fixture}/${file} has no line with ${text}`);
  return index + 1;
}

describe("modreg generate on broken projects", () => {
  const dirs: string[] = [];
  const codes = new Map<string, string>();
  afterAll(() => dirs.forEach(removeDir));

  it.each(cases)("$fixture: exit 1, file:line:col and a code on stderr, nothing written", (c) => {
    const dir = copyFixture(c.fixture);
    dirs.push(dir);
    const result = modreg(["generate", "--project", "tsconfig.json", "--out", "src/modules.generated.ts"], {
      cwd: dir,
    });
    expect(result.status, describeRun(result)).toBe(1);

    const line = lineOf(c.fixture, c.file, c.at);
    const located = new RegExp(`${c.file.replace(/[.]/g, "\\.")}:${line}:(\\d+) - error (MR\\d{4}):`);
    const match = located.exec(result.stderr);
    expect(match, describeRun(result)).not.toBeNull();
    expect(result.stderr).toMatch(c.says);
    codes.set(c.fixture, match?.[2] ?? "");

    expect(existsSync(join(dir, "src", "modules.generated.ts"))).toBe(false);
    const check = modreg(["check", "--project", "tsconfig.json"], { cwd: dir });
    expect(check.status, describeRun(check)).toBe(1);
  });

  it("gives every kind of error its own code", () => {
    expect(codes.size).toBe(cases.length);
    expect(new Set(codes.values()).size).toBe(cases.length);
  });
});
