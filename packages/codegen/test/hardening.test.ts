import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
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

describe("root causes first: no follow-on MR3003 for a module another error dropped", () => {
  const config = (options: string) =>
    `${IMPORT}export const dynamic = () => "c";\n@Module(${options})\nexport class Config {}\n`;
  const service = `${IMPORT}import { Config } from "./config.js";\n@Module()\nexport class Service {\n  constructor(readonly config: Config) {}\n}\n`;

  it("after MR2001 (non-literal options) reports only the root cause", () => {
    const dir = project({ "src/config.ts": config("{ id: dynamic() }"), "src/service.ts": service });
    const found = diagnosticsOf(dir);
    expect(found.map((d) => d.code)).toEqual(["MR2001"]);
    expect(found[0]!.location?.file).toBe("src/config.ts");
  });

  it("after MR3001 (a duplicate id) a parameter typed as the dropped class is not MR3003", () => {
    const dir = project({
      "src/config.ts": config('{ id: "shared" }'),
      "src/other.ts": `${IMPORT}@Module({ id: "shared" })\nexport class Other {}\n`,
      "src/service.ts": `${IMPORT}import { Other } from "./other.js";\n@Module()\nexport class Service {\n  constructor(readonly other: Other) {}\n}\n`,
    });
    const found = diagnosticsOf(dir);
    expect(found.map((d) => d.code)).toEqual(["MR3001"]);
  });

  it("an id-based dependency on a module dropped by MR2001 is not reported as unknown", () => {
    const dir = project({
      "src/config.ts": `${IMPORT}export const v = () => "1.0.0";\n@Module({ id: "config", version: v() })\nexport class Config {}\n`,
      "src/service.ts": `${IMPORT}@Module({ dependencies: ["config"] })\nexport class Service {}\n`,
    });
    const found = diagnosticsOf(dir);
    expect(found.map((d) => d.code)).toEqual(["MR2001"]);
  });

  it("a decorated class outside the tsconfig include gets the hint to include it", () => {
    const dir = project({
      "src/service.ts": service,
      "lib/config.ts": `${IMPORT}@Module()\nexport class Config {}\n`,
    });
    writeFileSync(path.join(dir, "src", "service.ts"), service.replace("./config.js", "../lib/config.js"));
    const found = diagnosticsOf(dir);
    expect(found.map((d) => d.code)).toEqual(["MR3003"]);
    expect(found[0]!.hint).toContain("lib/config.ts is not among the files modreg scans");
    expect(found[0]!.hint).not.toContain("decorate Config with @Module");
  });
});

describe("a parameter with a default value", () => {
  it("is left to its default when nothing is chosen for it, trailing or not", () => {
    const dir = project({
      "src/a.ts": `${IMPORT}@Module()\nexport class Dep {}\n@Module()\nexport class Greeter {\n  constructor(readonly greeting: string = "hello", readonly dep: Dep, readonly name = "world", readonly times: number = 2) {}\n}\n`,
    });
    const result = createGenerator({ project: dir, write: false }).run();
    expect(result.diagnostics).toEqual([]);
    const greeter = result.manifest.modules.find((m) => m.id === "Greeter")!;
    expect(greeter.deps.map((d) => d.id)).toEqual(["Dep"]);
    expect(greeter.defaults).toEqual([0, 2, 3]);
  });

  it("a string parameter with no default still gets MR2011 naming inject and provide()", () => {
    const dir = project({
      "src/a.ts": `${IMPORT}@Module()\nexport class Greeter {\n  constructor(readonly greeting: string) {}\n}\n`,
    });
    const [first, ...rest] = diagnosticsOf(dir);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ code: "MR2011" });
    expect(first!.hint).toContain("a default value");
  });
});

describe("a parameter left to its default value, at run time", () => {
  it("keeps the default under tsx, and the generated file type-checks", () => {
    const dir = project({
      "src/a.ts":
        `${IMPORT}interface Log { line(text: string): string }\n` +
        `@Module()\nexport class ConsoleLog implements Log { line(text: string) { return "> " + text; } }\n` +
        `@Module()\nexport class Greeter {\n  constructor(readonly greeting: string = "hello", readonly log: Log, readonly name = "world", readonly times: number = 2) {}\n` +
        `  greet() { return this.log.line(\`\${this.greeting} \${this.name} x\${this.times}\`); }\n}\n`,
      "src/main.ts":
        'import { createContainer } from "@modreg/core";\nimport { Greeter } from "./a.js";\nimport { manifest } from "./modules.generated.js";\n' +
        "const app = createContainer(manifest);\nawait app.start();\nconsole.log(app.get(Greeter).greet());\n",
    });
    const generated = modreg(dir, "generate");
    expect(generated.stderr).toBe("");
    expect(generated.code).toBe(0);
    const text = readFileSync(path.join(dir, "src", "modules.generated.ts"), "utf8");
    expect(text).toContain("new Greeter(undefined, r(0) as never, undefined, undefined)");
    expect(text).toContain("NonNullable<ConstructorParameters<typeof Greeter>[1]>");
    const bin = (name: string) => path.join(REPO, "node_modules", ".bin", name);
    const run = spawnSync(bin("tsx"), ["src/main.ts"], { cwd: dir, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("> hello world x2\n");
    const checked = spawnSync(bin("tsc"), ["-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
    expect(checked.stdout).toBe("");
    expect(checked.status).toBe(0);
  }, 60_000);
});
