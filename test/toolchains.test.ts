import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installOutside, pack } from "./support/outside.js";
import { describeRun, repoRoot, run, type RunResult } from "./support/run.js";
import { fixturesDir } from "./support/workdir.js";

// The toolchain matrix: one small app (a class, an interface, `T[]`, `Lazy`, a `Factory` with
// a runtime argument, an async `onInit`, a `provide()` function) taken through every tool the README names, in both
// decorator modes, outside the repository from the packed packages. Where a tool cannot work
// the test asserts what the user sees, so the README's toolchain table cannot drift.
// (Tools are pinned here; bump them deliberately.)
const TOOLS = {
  typescript: "6.0.3",
  tsx: "4.23.15",
  esbuild: "0.28.2",
  "@swc/core": "1.16.22",
  "@swc/cli": "0.8.1",
  vitest: "4.1.12",
  webpack: "5.113.0",
  "swc-loader": "0.2.7",
  // Bun and Deno, from npm (their packages fetch the platform's binary as a dependency)
  bun: "1.4.5",
  deno: "2.9.6",
};
const VITE7 = "7.3.8";
const VITE8 = "8.4.0";

const EXPECTED =
  "decorators: job for acme (db up); formats csv,pdf; audit 1; region eu; log: database connected | report for acme";
const UNLOWERED = /SyntaxError: Invalid or unexpected token/;

type Mode = "standard" | "legacy";
let root = "";
/** `root/<mode>` runs with Vite 7 and the other tools; `root/vite8/<mode>` with Vite 8. */
const appDir = (mode: Mode, vite8 = false): string => join(root, ...(vite8 ? ["vite8"] : []), mode);

/** Runs a tool of the outside project with an environment free of this Vitest run's variables. */
function tool(dir: string, command: string, args: readonly string[]): RunResult {
  const env = Object.fromEntries(
    Object.keys(process.env)
      .filter((key) => key.startsWith("VITEST") || key === "NODE_OPTIONS" || key === "TEST")
      .map((key) => [key, ""]),
  );
  return run(command, args, { cwd: dir, env, timeoutMs: 120_000 });
}
const bin = (dir: string, name: string): string => join(dir, "..", "node_modules", ".bin", name);
const npx = (dir: string, name: string, args: readonly string[]): RunResult =>
  tool(dir, bin(dir, name), args);
const node = (dir: string, script: string): RunResult => tool(dir, process.execPath, [script]);

function expectApp(result: RunResult, mode: Mode): void {
  expect(result.status, describeRun(result)).toBe(0);
  expect(result.stdout.trim()).toBe(`${mode} ${EXPECTED}`);
}

/** `vite build --ssr` of the app, then the bundle under node. */
function viteBuildAndRun(dir: string): RunResult {
  const built = npx(dir, "vite", [
    "build",
    "--ssr",
    "src/main.ts",
    "--outDir",
    "dist/vite",
    "--logLevel",
    "warn",
  ]);
  expect(built.status, describeRun(built)).toBe(0);
  return node(dir, "dist/vite/main.js");
}

function expectVitestPasses(dir: string): void {
  const result = npx(dir, "vitest", ["run"]);
  expect(result.status, describeRun(result)).toBe(0);
  expect(result.stdout).toMatch(/Tests\s+1 passed/);
}

function writeApp(dir: string, mode: Mode): void {
  cpSync(join(fixturesDir, "toolchain-app"), dir, { recursive: true });
  if (mode === "legacy") {
    // Tools that read `tsconfig.json` by name (tsx, esbuild, Vite) see the legacy settings.
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: "./tsconfig.standard.json",
        compilerOptions: { experimentalDecorators: true },
      }),
    );
    cpSync(join(fixturesDir, "toolchain-app", "tsconfig.json"), join(dir, "tsconfig.standard.json"));
  }
  const generated = npx(dir, "modreg", [
    "generate",
    "--project",
    "tsconfig.json",
    "--out",
    "src/modules.generated.ts",
  ]);
  expect(generated.status, describeRun(generated)).toBe(0);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "modreg-toolchains-"));
  mkdirSync(join(root, "vite8"));
  const core = pack("packages/core", root);
  const codegen = pack("packages/codegen", root);
  const plugin = pack("packages/unplugin", root);
  for (const tarball of [core, codegen, plugin]) cpSync(join(root, tarball), join(root, "vite8", tarball));
  const ours = { "@modreg/core": `file:./${core}` };
  const generator = {
    "@modreg/codegen": `file:./${codegen}`,
    "@modreg/unplugin": `file:./${plugin}`,
    typescript: TOOLS.typescript,
  };
  await Promise.all([
    installOutside({
      dir: root,
      dependencies: ours,
      devDependencies: { ...generator, ...TOOLS, vite: VITE7 },
    }),
    installOutside({
      dir: join(root, "vite8"),
      dependencies: ours,
      devDependencies: { ...generator, vite: VITE8, vitest: TOOLS.vitest },
    }),
  ]);
  for (const mode of ["standard", "legacy"] as const) {
    writeApp(appDir(mode), mode);
    writeApp(appDir(mode, true), mode);
  }
}, 600_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(["standard", "legacy"] as const)("the app with %s decorators", (mode) => {
  it("runs under tsx", () => {
    expectApp(npx(appDir(mode), "tsx", ["src/main.ts"]), mode);
  });

  it("compiles with tsc and runs under node", () => {
    const dir = appDir(mode);
    const compiled = npx(dir, "tsc", ["-p", "tsconfig.json", "--outDir", "dist/tsc"]);
    expect(compiled.status, describeRun(compiled)).toBe(0);
    expectApp(node(dir, "dist/tsc/main.js"), mode);
  });

  it("bundles with esbuild --target=node20 and runs under node", () => {
    const dir = appDir(mode);
    const args = ["src/main.ts", "--bundle", "--platform=node", "--format=esm", "--target=node20"];
    const bundled = npx(dir, "esbuild", [...args, "--outfile=dist/esbuild/main.mjs", "--log-level=warning"]);
    expect(bundled.status, describeRun(bundled)).toBe(0);
    expectApp(node(dir, "dist/esbuild/main.mjs"), mode);
  });

  it("builds with Vite 7 (vite build --ssr) and runs under node", () => {
    expectApp(viteBuildAndRun(appDir(mode)), mode);
  });

  it("runs its test under Vitest on Vite 7", () => {
    expectVitestPasses(appDir(mode));
  });

  it("runs under Bun", () => {
    const dir = appDir(mode);
    // Bun 1.4 does not apply `experimentalDecorators` from a tsconfig that `extends` another
    // (the legacy one here): it needs a config with the option itself, e.g. --tsconfig-override.
    if (mode === "legacy") {
      const plain = npx(dir, "bun", ["src/main.ts"]);
      expect(plain.stdout.trim(), describeRun(plain)).toBe(`standard ${EXPECTED}`);
      writeFileSync(join(dir, "tsconfig.bun.json"), JSON.stringify(flatLegacyTsconfig()));
    }
    expectApp(
      npx(dir, "bun", [
        ...(mode === "legacy" ? ["--tsconfig-override", "tsconfig.bun.json"] : []),
        "src/main.ts",
      ]),
      mode,
    );
  });

  it("runs under Deno", () => {
    const dir = appDir(mode);
    // Deno reads decorator settings from deno.json, not tsconfig.json; a deno.json also makes it
    // ignore the package.json above, so it is told to use the installed node_modules.
    if (mode === "legacy")
      writeFileSync(
        join(dir, "deno.json"),
        JSON.stringify({ compilerOptions: { experimentalDecorators: true }, nodeModulesDir: "manual" }),
      );
    // `--sloppy-imports`: the sources import `./app.js` for `app.ts`, as NodeNext wants
    expectApp(
      npx(dir, "deno", ["run", "--quiet", "--sloppy-imports", "--allow-read", "--allow-env", "src/main.ts"]),
      mode,
    );
  });
});

/** The fixture's tsconfig with `experimentalDecorators`, written out in full (no `extends`). */
function flatLegacyTsconfig(): object {
  const text = readFileSync(join(fixturesDir, "toolchain-app", "tsconfig.json"), "utf8");
  const config = JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")) as { compilerOptions: object };
  return { ...config, compilerOptions: { ...config.compilerOptions, experimentalDecorators: true } };
}

describe("the app with legacy decorators on Vite 8", () => {
  it("builds with vite build --ssr and runs under node", () => {
    expectApp(viteBuildAndRun(appDir("legacy", true)), "legacy");
  });

  it("runs its test under Vitest", () => {
    expectVitestPasses(appDir("legacy", true));
  });
});

describe("what Node 20 cannot run: standard decorators left unlowered", () => {
  it("Vite 8 (oxc) leaves them in a vite build --ssr", () => {
    const result = viteBuildAndRun(appDir("standard", true));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(UNLOWERED);
  });

  it("Vitest on Vite 8 leaves them too", () => {
    const result = npx(appDir("standard", true), "vitest", ["run"]);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(UNLOWERED);
  });

  it('tsc with "target": "ESNext" (what `tsc --init` writes) leaves them, and modreg warns first (MR1003)', () => {
    const dir = appDir("standard");
    writeFileSync(
      join(dir, "tsconfig.esnext.json"),
      JSON.stringify({
        extends: "./tsconfig.json",
        compilerOptions: { target: "esnext", outDir: "dist/esnext" },
      }),
    );
    const generated = npx(dir, "modreg", [
      "generate",
      "--project",
      "tsconfig.esnext.json",
      "--out",
      "src/modules.generated.ts",
    ]);
    expect(generated.status, describeRun(generated)).toBe(0);
    expect(generated.stderr).toContain("warning MR1003");
    expect(generated.stderr).toContain('"target": "ES2022"');
    const compiled = npx(dir, "tsc", ["-p", "tsconfig.esnext.json"]);
    expect(compiled.status, describeRun(compiled)).toBe(0);
    const result = node(dir, "dist/esnext/main.js");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(UNLOWERED);
  });

  it("esbuild's default target (esnext) leaves them", () => {
    const dir = appDir("standard");
    const args = [
      "src/main.ts",
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--outfile=dist/esbuild-esnext/main.mjs",
    ];
    const bundled = npx(dir, "esbuild", [...args, "--log-level=warning"]);
    expect(bundled.status, describeRun(bundled)).toBe(0);
    const result = node(dir, "dist/esbuild-esnext/main.mjs");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(UNLOWERED);
  });
});

describe("SWC", () => {
  const configs = {
    legacy: { legacyDecorator: true },
    "2022-03": { decoratorVersion: "2022-03" },
    "2023-11": { decoratorVersion: "2023-11" },
  } as const;
  it.each(Object.keys(configs) as (keyof typeof configs)[])(
    "compiles with decorators %s and runs under node",
    (name) => {
      const dir = appDir(name === "legacy" ? "legacy" : "standard");
      const rc = join(dir, `.swcrc.${name}`);
      writeFileSync(
        rc,
        JSON.stringify({
          jsc: {
            parser: { syntax: "typescript", decorators: true },
            transform: configs[name],
            target: "es2022",
          },
          module: { type: "es6" },
        }),
      );
      const out = `dist/swc-${name}`;
      const compiled = npx(dir, "swc", [
        "src",
        "-d",
        out,
        "--strip-leading-paths",
        "--config-file",
        rc,
        "-q",
      ]);
      expect(compiled.status, describeRun(compiled)).toBe(0);
      expectApp(node(dir, `${out}/main.js`), name === "legacy" ? "legacy" : "standard");
    },
  );
});

describe("@modreg/unplugin: the codegen inside the build", () => {
  const manifestOf = (dir: string) => join(dir, "src", "modules.generated.ts");
  /** Deletes the CLI's manifest, so the plugin must write it; returns what the CLI wrote. */
  function withoutManifest(dir: string): string {
    const text = readFileSync(manifestOf(dir), "utf8");
    rmSync(manifestOf(dir));
    return text;
  }

  it("Vite 8 build: writes the CLI's manifest and lowers standard decorators, so Node runs the bundle", () => {
    const dir = appDir("standard", true);
    const cli = withoutManifest(dir);
    const args = [
      "build",
      "--ssr",
      "src/main.ts",
      "--outDir",
      "dist/vite-plugin",
      "--config",
      "vite.modreg.config.mjs",
    ];
    const built = npx(dir, "vite", args);
    expect(built.status, describeRun(built)).toBe(0);
    expect(readFileSync(manifestOf(dir), "utf8")).toBe(cli);
    expectApp(node(dir, "dist/vite-plugin/main.js"), "standard");
  });

  it("Vitest on Vite 8 with the plugin passes", () => {
    const result = npx(appDir("standard", true), "vitest", ["run", "--config", "vite.modreg.config.mjs"]);
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/Tests\s+1 passed/);
  });

  it("esbuild at its default target with the plugin: generated, lowered, runs", () => {
    const dir = appDir("standard");
    const cli = withoutManifest(dir);
    const built = node(dir, "esbuild.build.mjs");
    expect(built.status, describeRun(built)).toBe(0);
    expect(readFileSync(manifestOf(dir), "utf8")).toBe(cli);
    expectApp(node(dir, "dist/esbuild-plugin/main.mjs"), "standard");
  });

  it("webpack (swc-loader) with the plugin: generated, runs", () => {
    const dir = appDir("standard");
    const cli = withoutManifest(dir);
    const built = node(dir, "webpack.build.mjs");
    expect(built.status, describeRun(built)).toBe(0);
    expect(readFileSync(manifestOf(dir), "utf8")).toBe(cli);
    expectApp(node(dir, "dist/webpack/main.mjs"), "standard");
  });

  it("a Vite dev server regenerates on edits, reloads the page and shows graph errors in the overlay", () => {
    const dir = appDir("standard", true);
    try {
      const result = node(dir, "dev-server.mjs");
      expect(result.status, describeRun(result)).toBe(0);
      const events = result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events.map((e) => e["event"])).toEqual([
        "started",
        "added a module",
        "broke the graph",
        "fixed it",
      ]);
      expect(events[1]).toMatchObject({ types: ["full-reload"] });
      expect(events[2]).toMatchObject({
        message:
          "src/extra.ts:6:24 - error MR3003: no module provides Missing for parameter `missing` of extra",
        loc: { file: join(dir, "src", "extra.ts"), line: 6, column: 24 },
        kept: true,
      });
      expect(events[3]).toMatchObject({ types: ["full-reload"] });
      console.log(`dev server: manifest on disk ${String(events[1]?.["regenerated"])} ms after the edit`);
    } finally {
      for (const file of ["extra.ts", "missing.ts"]) rmSync(join(dir, "src", file), { force: true });
    }
  });

  it("a production build fails on a graph error with file:line:col, and writes nothing", () => {
    const dir = appDir("standard", true);
    const before = readFileSync(manifestOf(dir), "utf8");
    const broken = join(dir, "src", "broken.ts");
    writeFileSync(
      broken,
      'import { Module } from "@modreg/core";\nimport type { Report } from "./report.js";\n\n' +
        '@Module({ id: "broken" })\nexport class Broken {\n  constructor(readonly report: Report, readonly name: string) {}\n}\n',
    );
    try {
      const args = [
        "build",
        "--ssr",
        "src/main.ts",
        "--outDir",
        "dist/vite-broken",
        "--config",
        "vite.modreg.config.mjs",
      ];
      const built = npx(dir, "vite", args);
      expect(built.status).not.toBe(0);
      expect(built.stderr + built.stdout).toMatch(/src\/broken\.ts:6:\d+ - error MR2011/);
      expect(readFileSync(manifestOf(dir), "utf8")).toBe(before);
      expect(existsSync(join(dir, "dist", "vite-broken", "main.js"))).toBe(false);
    } finally {
      rmSync(broken);
    }
  });
});

// Keeps the repository path out of the outside projects: nothing above may resolve through it.
it("the outside projects do not live in the repository", () => {
  expect(root.startsWith(repoRoot)).toBe(false);
});
