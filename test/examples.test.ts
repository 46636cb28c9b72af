import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeRun,
  examplesDir,
  modregInProcess,
  node,
  repoRoot,
  tsc,
  tsx,
  type RunResult,
} from "./support/run.js";

/** Every example project with the manifest it commits; CI fails when one is stale. */
const projects = [
  { dir: "packages/examples", project: "tsconfig.json", out: "src/modules.generated.ts" },
  {
    dir: "packages/examples",
    project: "decorators/tsconfig.json",
    out: "decorators/src/modules.generated.ts",
  },
  {
    dir: "packages/examples",
    project: "decorators/tsconfig.legacy.json",
    out: "decorators/src/modules.generated.ts",
  },
  { dir: "packages/examples/saas", project: "tsconfig.json", out: "src/modules.generated.ts" },
  {
    dir: "packages/examples/plugins/pdf",
    project: "tsconfig.json",
    out: "src/modules.generated.ts",
    // The plugin requires the host's `config`, which its own project cannot see.
    extra: ["--external", "config"],
  },
] as const;

/**
 * How each project is compiled: the shop and the decorators example emit JavaScript that the
 * tests below run; the others are only type-checked.
 */
const compileArgs: Readonly<Record<string, readonly string[]>> = {
  "packages/examples:tsconfig.json": ["--noEmit", "false", "--rootDir", ".", "--outDir", "dist/shop"],
  "packages/examples:decorators/tsconfig.json": [],
  "packages/examples:decorators/tsconfig.legacy.json": [],
};
const compiles = new Map<string, RunResult>();

/**
 * One tsc run per project, shared by its type-check test and its run test: tsc exits non-zero
 * on any type error whether or not it emits, so the emitting compile is the type check too.
 */
function compile(dir: string, project: string): RunResult {
  const key = `${dir}:${project}`;
  let result = compiles.get(key);
  if (result === undefined) {
    result = tsc(["-p", project, ...(compileArgs[key] ?? ["--noEmit"])], { cwd: join(repoRoot, dir) });
    compiles.set(key, result);
  }
  return result;
}

const shopRuns = new Map<string, RunResult>();

/** One run of the shop under tsx per environment: the tests below read the same output. */
function shop(env: Readonly<Record<string, string>> = {}): RunResult {
  const key = JSON.stringify(env);
  let result = shopRuns.get(key);
  if (result === undefined) {
    result = tsx(["src/main.ts"], { cwd: examplesDir, env: { DB_CONNECT_DELAY_MS: "5", ...env } });
    shopRuns.set(key, result);
  }
  expect(result.status, describeRun(result)).toBe(0);
  expect(result.stderr).toBe("");
  return result;
}

/** The ids of the `+ built <id>` trace lines, in order. */
function builtIds(stdout: string): string[] {
  return [...stdout.matchAll(/^ {2}\+ built (\S+)/gm)].map((m) => m[1] ?? "");
}

describe("the examples' committed manifests", () => {
  it.each(projects)("$dir/$project is up to date (modreg generate --check)", async (example) => {
    const { dir, project, out } = example;
    const extra = "extra" in example ? example.extra : [];
    const result = await modregInProcess(
      ["generate", "--check", "--project", project, "--out", out, ...extra],
      {
        cwd: join(repoRoot, dir),
      },
    );
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout).toContain(`${out} is up to date`);
  });

  it.each(projects)("$dir/$project type-checks with tsc", ({ dir, project }) => {
    const result = compile(dir, project);
    expect(result.status, describeRun(result)).toBe(0);
  });
});

describe("modreg graph on the shop", () => {
  it("prints the Mermaid picture the README shows", async () => {
    const result = await modregInProcess(["graph", "--project", "tsconfig.json", "--format", "mermaid"], {
      cwd: examplesDir,
    });
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/^flowchart/);
    expect(result.stdout).toContain('(["database@2.3.0<br/>singleton<br/>provides Database"])');
    expect(result.stdout).toContain('["export-run@0.0.0<br/>scoped"]');
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const block = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, "README.md has a mermaid block").toBeDefined();
    expect(result.stdout.trim()).toBe(block?.trim());
  });

  it.each(["dot", "json"])("also writes %s", async (format) => {
    const result = await modregInProcess(["graph", "--project", "tsconfig.json", "--format", format], {
      cwd: examplesDir,
    });
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout).toContain("export-service");
  });
});

describe("the main example (pnpm start)", () => {
  it("builds singletons dependencies first, leaves the lazy module for later, and disposes in reverse", () => {
    const { stdout } = shop();
    const built = builtIds(stdout);
    for (const [before, after] of [
      ["config", "database"],
      ["pretty-logger", "database"],
      ["database", "orders"],
      ["pretty-logger", "export-service"],
    ] as const) {
      expect(built.indexOf(before), stdout).toBeGreaterThanOrEqual(0);
      expect(built.indexOf(before), stdout).toBeLessThan(built.indexOf(after));
    }
    const startLine = /^Started (\d+) modules in [\d.]+ ms: (.+)$/m.exec(stdout);
    expect(startLine?.[2], stdout).toBe(built.slice(0, Number(startLine?.[1])).join(" -> "));
    expect(built.slice(0, Number(startLine?.[1]))).not.toContain("analytics");
    expect(stdout).toMatch(/not built yet: analytics \(lazy\)/);
    expect(stdout).toContain("Logger (an interface) is implemented by PrettyLogger here");
    expect(stdout).toMatch(/inactive: json-logger/);
    expect(stdout).toMatch(/inactive: metrics/);

    const disposed = [...stdout.matchAll(/^ {2}- disposed (\S+)/gm)].map((m) => m[1]);
    expect(disposed.indexOf("database")).toBeGreaterThan(disposed.indexOf("orders"));
    expect(disposed.indexOf("config")).toBeGreaterThan(disposed.indexOf("database"));
    expect(stdout.trimEnd().endsWith("Disposed cleanly.")).toBe(true);
  });

  it("finds the exporters by capability, the PDF plugin's included", () => {
    const { stdout } = shop();
    const section = stdout.split("discover(")[1]?.split("\n\n")[0] ?? "";
    const found = [...section.matchAll(/^ {2}(\S+)@(\S+) \[/gm)].map((m) => `${m[1]}@${m[2]}`);
    expect(found).toEqual(["csv-exporter@1.0.0", "json-exporter@1.0.0", "pdf-exporter@1.1.0"]);
  });

  it("exports per request in a scope (a scoped ExportRun, disposed with it), through a Factory, and builds the lazy analytics on first report", () => {
    const { stdout } = shop();
    expect(stdout).toContain("    | id,item,amount\n    | 1,keyboard,49\n    | 2,monitor,189");
    expect(stdout).toContain("    | 4,cable,9\n  · export-run[acme/csv]: request finished\n");
    expect(stdout).toMatch(/not built yet: export-run \(scoped\)/);
    expect(stdout.match(/request finished/g)).toHaveLength(3);
    expect(stdout).toContain(
      '    | [{"id":3,"item":"desk","amount":320},{"id":5,"item":"chair","amount":140}]',
    );
    expect(stdout).toContain("    | %PDF-1.4");
    const report = stdout.split("Report (")[1] ?? "";
    expect(report).toMatch(/\+ built analytics/);
    expect(report).toContain("globex: 2 orders, 460 EUR");
    expect(report).toContain("acme: 3 orders, 247 EUR");
  });

  it("logs as JSON in production and counts with the metrics feature on", () => {
    const { stdout } = shop({ APP_ENV: "production", FEATURES: "metrics" });
    expect(builtIds(stdout)).toContain("json-logger");
    expect(builtIds(stdout)).toContain("metrics");
    expect(builtIds(stdout)).not.toContain("pretty-logger");
    expect(stdout).toContain("Logger (an interface) is implemented by JsonLogger here");
    expect(stdout).toContain(
      '{"level":"info","message":"database: connected to memory://orders (5 orders)"}',
    );
    expect(stdout).toMatch(
      /metrics: \{"export\.csv":1,"export\.json":1,"export\.pdf":1,"orders\.query":\d+\}/,
    );
  });
  it("prints the same when compiled by tsc and run with plain node", () => {
    const compiled = compile("packages/examples", "tsconfig.json");
    expect(compiled.status, describeRun(compiled)).toBe(0);
    const result = node("dist/shop/src/main.js", [], { cwd: examplesDir, env: { DB_CONNECT_DELAY_MS: "5" } });
    expect(result.status, describeRun(result)).toBe(0);
    const timeless = (text: string): string => text.replace(/\d+(\.\d+)? ms/g, "<t> ms");
    expect(timeless(result.stdout)).toBe(timeless(shop().stdout));
  });
});

describe("standard and legacy decorators", () => {
  const expected = (mode: string): string =>
    [
      `decorators: ${mode}`,
      "class intact: name=Greeter, instanceof=true",
      "audit-log: opened",
      "Hello, Ada! It is 2026-01-01T09:30:00.000Z.",
      "audit-log: closed after 1 entries",
    ].join("\n");

  it.each([
    ["decorators/tsconfig.json", "standard (TC39)"],
    ["decorators/tsconfig.legacy.json", "legacy (experimentalDecorators)"],
  ])("%s runs under tsx as %s", (tsconfig, mode) => {
    const result = tsx(["--tsconfig", tsconfig, "decorators/src/main.ts"], { cwd: examplesDir });
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout.trim()).toBe(expected(mode));
  });

  it.each([
    ["decorators/tsconfig.json", "decorators/dist/standard/main.js", "standard (TC39)"],
    ["decorators/tsconfig.legacy.json", "decorators/dist/legacy/main.js", "legacy (experimentalDecorators)"],
  ])("%s compiles with tsc and runs with node as %s", (tsconfig, entry, mode) => {
    const compiled = compile("packages/examples", tsconfig);
    expect(compiled.status, describeRun(compiled)).toBe(0);
    const result = node(entry, [], { cwd: examplesDir });
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout.trim()).toBe(expected(mode));
  });
});
