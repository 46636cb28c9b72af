import { existsSync, mkdtempSync, rmSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installOutside, pack } from "./support/outside.js";
import { describeRun, run, type RunResult } from "./support/run.js";
import { fixturesDir } from "./support/workdir.js";

// CommonJS consumers outside the repository, from the packed packages: a `module: commonjs`
// app compiled by tsc (without skipLibCheck and with the default lib), Jest's CommonJS
// runtime, and `require` of the codegen and the bundler plugin (webpack configs are CJS).
let dir = "";
const tool = (name: string, args: readonly string[]): RunResult =>
  run(join(dir, "node_modules", ".bin", name), args, { cwd: dir, timeoutMs: 120_000 });
const node = (args: readonly string[]): RunResult => run(process.execPath, args, { cwd: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "modreg-cjs-"));
  const [core, codegen, plugin] = ["core", "codegen", "unplugin"].map((p) => pack(`packages/${p}`, dir));
  cpSync(join(fixturesDir, "cjs-app"), dir, { recursive: true });
  await installOutside({
    dir,
    type: "commonjs",
    dependencies: { "@modreg/core": `file:./${core!}` },
    devDependencies: {
      "@modreg/codegen": `file:./${codegen!}`,
      "@modreg/unplugin": `file:./${plugin!}`,
      typescript: "6.0.3",
      jest: "30.5.2",
      "@swc/jest": "0.2.39",
      "@swc/core": "1.16.22",
    },
  });
  const generated = tool("modreg", [
    "generate",
    "--project",
    "tsconfig.json",
    "--out",
    "src/modules.generated.ts",
  ]);
  expect(generated.status, describeRun(generated)).toBe(0);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPECTED = "Hello, Ada (greeted Ada); after dispose: CONTAINER_DISPOSED";

describe("a CommonJS consumer", () => {
  it("compiles with tsc (module commonjs, default lib, no skipLibCheck) and runs under node", () => {
    const compiled = tool("tsc", ["-p", "tsconfig.json"]);
    expect(compiled.status, describeRun(compiled)).toBe(0);
    const result = node(["dist/main.js"]);
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout.trim()).toBe(EXPECTED);
  });

  it("runs its test under Jest's CommonJS runtime", () => {
    const result = tool("jest", ["--ci"]);
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stderr).toMatch(/Tests:\s+1 passed/);
  });

  it("gets the CommonJS build from require(), and the codegen and plugin load with require()", () => {
    const script = [
      'const core = require("@modreg/core");',
      'console.log(require.resolve("@modreg/core").endsWith("dist/cjs/index.js"), typeof core.createContainer);',
      'console.log(typeof require("@modreg/codegen").generate, typeof require("@modreg/unplugin/webpack").default);',
    ].join("\n");
    const result = node(["-e", script]);
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout).toBe("true function\nfunction function\n");
  });

  it("ships the sources: stack traces point into node_modules/@modreg/core/src/*.ts", () => {
    expect(existsSync(join(dir, "node_modules", "@modreg", "core", "src", "container.ts"))).toBe(true);
    expect(existsSync(join(dir, "node_modules", "@modreg", "codegen", "src", "generate.ts"))).toBe(true);
    const script =
      'try { require("@modreg/core").createContainer({ formatVersion: 99, modules: [] }); } catch (e) { console.log(e.stack); }';
    const result = node(["--enable-source-maps", "-e", script]);
    expect(result.stdout).toMatch(/INVALID_MANIFEST/);
    expect(result.stdout).toMatch(/node_modules\/@modreg\/core\/src\/[\w-]+\.ts:\d+:\d+/);
  });
});
