import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createContainer, type Factory, type Lazy, type Manifest, type Token } from "@modreg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATED_HEADER } from "../src/index.js";
import { BIN, FIXTURES, REPO } from "./helpers.js";

/** Copies of fixtures live under the repo's `.tmp/` so `@modreg/core` resolves from them. */
const TMP = path.join(REPO, ".tmp");
let work: string;

function copyFixture(name: string): string {
  const dir = path.join(work, name);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  rmSync(path.join(dir, "src", "modules.generated.ts"), { force: true });
  return dir;
}

function modreg(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  mkdirSync(TMP, { recursive: true });
  work = mkdtempSync(path.join(TMP, "codegen-cli-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("modreg generate (the built CLI)", () => {
  it("writes the manifest, then --check passes until a source changes", () => {
    const dir = copyFixture("basic");
    const first = modreg(dir, "generate");
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("wrote src/modules.generated.ts (7 modules)\n");
    expect(first.code).toBe(0);
    const written = readFileSync(path.join(dir, "src/modules.generated.ts"), "utf8");
    expect(written).toBe(readFileSync(path.join(FIXTURES, "basic/src/modules.generated.ts"), "utf8"));

    expect(modreg(dir, "generate", "--check")).toMatchObject({
      code: 0,
      stdout: "src/modules.generated.ts is up to date (7 modules)\n",
    });
    const config = path.join(dir, "src/config.ts");
    writeFileSync(config, readFileSync(config, "utf8").replace('version: "1.4.0"', 'version: "1.5.0"'));
    const stale = modreg(dir, "generate", "--check");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("src/modules.generated.ts is out of date");
    expect(readFileSync(path.join(dir, "src/modules.generated.ts"), "utf8")).toBe(written);
  });

  it("reports errors like a compiler, exits 1 and leaves the previous manifest alone", () => {
    const dir = copyFixture("mr3005-cycle");
    const previous = `${GENERATED_HEADER}\n// previous\n`;
    writeFileSync(path.join(dir, "src/modules.generated.ts"), previous);
    const run = modreg(dir, "generate");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("src/a.ts:6:24 - error MR3005: dependency cycle: a -> b -> c -> a\n");
    expect(run.stderr).toContain("  6 |   constructor(readonly b: B) {}\n    |                        ^\n");
    expect(run.stderr).toContain("src/c.ts:3:35 - c depends on a here");
    expect(run.stderr).toContain("hint: break it");
    expect(run.stderr).not.toContain("\u001b[");
    expect(run.stderr.trimEnd().endsWith("1 error in 1 file")).toBe(true);
    expect(readFileSync(path.join(dir, "src/modules.generated.ts"), "utf8")).toBe(previous);
  });

  it("counts errors and files in the summary, with paths relative to the working directory", () => {
    const dir = copyFixture("mr3003-missing-provider");
    const run = modreg(work, "generate", "--project", path.join(dir, "tsconfig.json"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "mr3003-missing-provider/src/a.ts:12:14 - error MR3003: no module provides Logger",
    );
    expect(run.stderr.trimEnd().endsWith("2 errors in 1 file")).toBe(true);
  });

  it("exits 2 on usage and config errors", () => {
    const dir = copyFixture("mr1002-invalid-tsconfig");
    expect(modreg(dir, "generate", "--bogus")).toMatchObject({ code: 2 });
    expect(modreg(dir, "generate", "--bogus").stderr).toContain("modreg: unknown option --bogus");
    expect(modreg(dir, "frobnicate").code).toBe(2);
    expect(modreg(dir, "check", "--watch").code).toBe(2);
    expect(modreg(dir, "graph", "--format", "gif").code).toBe(2);
    const missing = modreg(dir, "generate", "--project", "nope/tsconfig.json");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error MR1001");
    const invalid = modreg(dir, "generate");
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      "tsconfig.json:2:40 - error MR1002: Unknown compiler option 'notARealOption'",
    );
  });

  it("prints help and version", () => {
    const help = modreg(work, "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("modreg <command>");
    const version = modreg(work, "--version");
    expect(version.code).toBe(0);
    const pkg = JSON.parse(readFileSync(path.join(FIXTURES, "../../package.json"), "utf8")) as {
      version: string;
    };
    expect(version.stdout).toBe(`${pkg.version}\n`);
  });

  it("writes --json graph data and honours --out", () => {
    const dir = copyFixture("heritage");
    const run = modreg(dir, "generate", "--out", "gen/manifest.ts", "--json", "gen/graph.json");
    expect(run.code).toBe(0);
    const code = readFileSync(path.join(dir, "gen/manifest.ts"), "utf8");
    expect(code).toContain('import { Consumer, InheritedConsumer } from "../src/consumer.js";');
    const data = JSON.parse(readFileSync(path.join(dir, "gen/graph.json"), "utf8")) as {
      modules: {
        id: string;
        provides: string[];
        dependencies: { iface?: string; multi: boolean }[];
        source: { file: string };
      }[];
    };
    const consumer = data.modules.find((m) => m.id === "Consumer")!;
    expect(consumer.source.file).toBe("src/consumer.ts");
    expect(consumer.dependencies).toContainEqual(
      expect.objectContaining({ iface: "fx-heritage:src/contracts#BaseService", multi: true }),
    );
    expect(data.modules.find((m) => m.id === "audit")!.provides).toEqual([
      "fx-heritage:src/contracts#BaseService",
    ]);
  });
});

describe("modreg check and graph", () => {
  it("validates the graph active under --env/--feature", () => {
    const dir = copyFixture("conditions");
    expect(modreg(dir, "check")).toMatchObject({ code: 0, stdout: "3 modules, no problems\n" });
    expect(modreg(dir, "check", "--env", "production", "--feature", "signup").code).toBe(0);
    const staging = modreg(dir, "check", "--env", "staging", "--feature", "signup");
    expect(staging.code).toBe(1);
    expect(staging.stderr).toContain(
      "src/mailer.ts:19:24 - error MR3003: no module provides Mailer for parameter `mailer` of signup under env=staging features=signup",
    );
  });

  it("accepts a dependency on an id the host provides when it is named with --external", () => {
    const dir = copyFixture("mr3002-unknown-id");
    const rejected = modreg(dir, "generate");
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain("pass --external confg");
    const accepted = modreg(dir, "generate", "--external", "confg");
    expect(accepted.stderr).toBe("");
    expect(accepted.code).toBe(0);
    const written = readFileSync(path.join(dir, "src", "modules.generated.ts"), "utf8");
    // packed: an id outside the manifest as a string, flags 12 = inject "none"
    expect(written).toContain('["confg",null,12]');
    expect(modreg(dir, "generate", "--check", "--external", "confg").code).toBe(0);
  });

  it("prints the graph as mermaid, dot and json", () => {
    const dir = copyFixture("mr3002-unknown-id");
    expect(modreg(dir, "graph").code).toBe(1);
    const runtime = copyFixture("runtime");
    const mermaid = modreg(runtime, "graph");
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart TD\n/);
    expect(mermaid.stdout).toContain('["database@2.0.0<br/>singleton"]');
    const dot = modreg(runtime, "graph", "--format", "dot");
    expect(dot.stdout).toContain('"database" -> "report" [style=dashed];');
    expect(dot.stdout).toContain('"database" -> "config";');
    const json = modreg(runtime, "graph", "--format=json", "--out", "graph.json");
    expect(json.code).toBe(0);
    const data = JSON.parse(readFileSync(path.join(runtime, "graph.json"), "utf8")) as { edges: unknown[] };
    expect(data.edges).toContainEqual({ from: "report", to: "database", deferred: false, optional: false });
  });
});

describe("the generated manifest at run time", () => {
  interface Logger {
    readonly lines: string[];
  }
  interface Database {
    readonly initialized: boolean;
    readonly log: Logger;
    readonly plugins: readonly { name: string }[];
    readonly report: Lazy<{ db: Database }>;
    readonly newJob: Factory<{ db: Database; tenant: string }, [tenant: string]>;
    readonly metrics?: unknown;
  }

  it("starts a container on a manifest the CLI just generated", async () => {
    const dir = copyFixture("runtime");
    expect(modreg(dir, "generate").code).toBe(0);
    const generated = (await import(pathToFileURL(path.join(dir, "src/modules.generated.ts")).href)) as {
      manifest: Manifest;
      tokens: { Logger: Token<Logger>; Plugin: Token<{ name: string }> };
    };
    const app = createContainer(generated.manifest, { features: ["pdf"] });
    await app.start();
    const db = app.get<Database>("database");
    expect(db.initialized).toBe(true);
    expect(db.log.lines).toEqual(["database ready on memory://"]);
    expect(app.get(generated.tokens.Logger)).toBe(db.log);
    expect(db.plugins.map((p) => p.name)).toEqual(["csv", "pdf"]);
    expect(db.metrics).toBeUndefined();
    expect(db.report().db).toBe(db);
    expect(db.report()).toBe(db.report());
    const job = db.newJob("tenant-42");
    expect(job).toMatchObject({ tenant: "tenant-42" });
    expect(job.db).toBe(db);
    expect(db.newJob("t")).not.toBe(job);
    await app.dispose();

    const withoutPdf = createContainer(generated.manifest);
    await withoutPdf.start();
    expect(withoutPdf.get<Database>("database").plugins.map((p) => p.name)).toEqual(["csv"]);
    await withoutPdf.dispose();
  });
});
