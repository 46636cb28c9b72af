import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGenerator, type Diagnostic } from "../src/index.js";
import { BIN, FIXTURES, REPO } from "./helpers.js";

/** Throwaway projects live under the repo's `.tmp/` so `@modreg/core` resolves from them. */
let work: string;
let count = 0;

beforeAll(() => {
  mkdirSync(path.join(REPO, ".tmp"), { recursive: true });
  work = mkdtempSync(path.join(REPO, ".tmp", "codegen-hardening-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A project with the runtime fixture's tsconfig and the given sources (`src/...` paths). */
function project(files: Record<string, string | Uint8Array>): string {
  const dir = path.join(work, `p${++count}`);
  mkdirSync(path.join(dir, "src"), { recursive: true });
  cpSync(path.join(FIXTURES, "runtime", "tsconfig.json"), path.join(dir, "tsconfig.json"));
  writeFileSync(
    path.join(dir, "package.json"),
    '{"name": "fx-hardening", "private": true, "type": "module"}',
  );
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

function diagnosticsOf(dir: string): readonly Diagnostic[] {
  return createGenerator({ project: dir, write: false }).run().diagnostics;
}

function modreg(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const IMPORT = 'import { Module } from "@modreg/core";\n';

describe("deeply nested decorator arguments", () => {
  it("reports MR2001 for a 200-deep array, not a RangeError", () => {
    const deep = `${"[".repeat(200)}1${"]".repeat(200)}`;
    const dir = project({
      "src/a.ts": `${IMPORT}@Module({ id: "a", metadata: { x: ${deep} } })\nexport class A {}\n`,
    });
    const [first, ...rest] = diagnosticsOf(dir);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ code: "MR2001", location: { file: "src/a.ts", line: 2 } });
    expect(first!.message).toContain("too deeply nested");
  });

  it("reports MR2001 for a 5,000-deep array that TypeScript cannot parse, exit 1 and nothing written", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const dir = project({
      "src/a.ts": `${IMPORT}@Module({ id: "a", metadata: { x: ${deep} } })\nexport class A {}\n`,
    });
    const run = modreg(dir, "generate");
    expect(run.stderr).not.toContain("RangeError");
    expect(run.stderr).toMatch(/^src\/a\.ts:2:\d+ - error MR2001: .*too deeply nested/m);
    expect(run.code).toBe(1);
    expect(existsSync(path.join(dir, "src", "modules.generated.ts"))).toBe(false);
  });
});

describe("files that do not parse", () => {
  const module = (id: string, name: string) => `${IMPORT}@Module({ id: "${id}" })\nexport class ${name} {}\n`;

  it("reports an unclosed @Module object as MR2015 at TypeScript's position, exit 1, nothing written", () => {
    const dir = project({
      "src/a.ts": module("a", "A"),
      "src/x.ts": `${IMPORT}@Module({ id: "x",\nexport class X {}\n`,
    });
    const run = modreg(dir, "generate");
    expect(run.stderr).toContain("src/x.ts:3:14 - error MR2015: ':' expected. (TS1005)\n");
    expect(run.stderr).toContain("  3 | export class X {}\n    |              ^");
    expect(run.code).toBe(1);
    expect(existsSync(path.join(dir, "src", "modules.generated.ts"))).toBe(false);
  });

  it("reports a broken statement after a class", () => {
    const dir = project({ "src/a.ts": `${module("a", "A")}const = ;\n` });
    const found = diagnosticsOf(dir);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.code === "MR2015")).toBe(true);
    expect(found[0]).toMatchObject({ code: "MR2015", location: { file: "src/a.ts", line: 4 } });
  });

  it("reports binary garbage in a scanned file", () => {
    const garbage = Uint8Array.from([0x00, 0x01, 0x7f, 0x23, 0x40, 0x3c, 0x3e, 0x1b, 0x5c]);
    const dir = project({ "src/a.ts": module("a", "A"), "src/b.ts": garbage });
    const found = diagnosticsOf(dir);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.code === "MR2015" && d.location?.file === "src/b.ts")).toBe(true);
  });

  it("reports a file that is not UTF-8 clearly, naming the encoding", () => {
    const latin1 = Buffer.from(`${IMPORT}@Module({ id: "caf\xe9" })\nexport class Cafe {}\n`, "latin1");
    const dir = project({ "src/a.ts": latin1 });
    const [first, ...rest] = diagnosticsOf(dir);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ code: "MR2015", location: { file: "src/a.ts", line: 2, column: 19 } });
    expect(first!.message).toContain("not valid UTF-8");
  });

  it("reports a truncated tsconfig as MR1002 with exit 2", () => {
    const dir = project({ "src/a.ts": module("a", "A") });
    writeFileSync(path.join(dir, "tsconfig.json"), '{ "compilerOptions": { "strict": true, ');
    const run = modreg(dir, "generate");
    expect(run.stderr).toMatch(/^tsconfig\.json:1:\d+ - error MR1002: /m);
    expect(run.code).toBe(2);
    expect(existsSync(path.join(dir, "src", "modules.generated.ts"))).toBe(false);
  });
});
