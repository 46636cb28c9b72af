import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAndRunEverywhere, describeRun, modreg } from "./support/run.js";
import { copyFixture, removeDir } from "./support/workdir.js";

const EXPECTED = [
  "open r1 for ANN at 42",
  "same in scope: true, shared clock: true",
  "close r1",
  "open r2 for BOB at 42",
  "same in scope: true, shared clock: true",
  "close r2",
  "outside a scope: MODULE_SCOPE_REQUIRED",
].join("\n");

// Scoped lifetimes end to end: the real CLI reads scoped modules and a scopeValue() input,
// the app opens a scope per request (await using) under tsx and as tsc output; a captive
// dependency added to the project is a build error with file:line:col and the path.
describe("scoped modules through modreg generate", () => {
  let dir = "";
  beforeAll(() => {
    dir = copyFixture("scopes");
    const generated = modreg(["generate"], { cwd: dir });
    expect(generated.status, describeRun(generated)).toBe(0);
  });
  afterAll(() => removeDir(dir));

  it("records scoped modules and the scope value in the manifest", () => {
    const text = readFileSync(join(dir, "src", "modules.generated.ts"), "utf8");
    // the packed form: one JSON record per line of `data`, a direct create for the scope value
    expect(text).toMatch(/^\{"id":"request-context","scope":"scoped",/m);
    expect(text).toMatch(/\d+: \(\) => request\.fn\(\),/);
  });

  it("type-checks, then runs under tsx and compiled by tsc: one instance per scope, disposed with it", () => {
    const [checked, ...runs] = checkAndRunEverywhere(dir);
    for (const run of [checked!, ...runs]) expect(run.status, describeRun(run)).toBe(0);
    expect(runs.map((run) => run.stdout.trim())).toEqual([EXPECTED, EXPECTED]);
  });

  it("rejects a singleton holding a scoped module (MR3010) and leaves the manifest as it was", () => {
    const manifestPath = join(dir, "src", "modules.generated.ts");
    const before = readFileSync(manifestPath, "utf8");
    writeFileSync(
      join(dir, "src", "cache.ts"),
      [
        'import { Module } from "@modreg/core";',
        'import { RequestContext } from "./services.js";',
        "",
        "@Module()",
        "export class Cache {",
        "  constructor(readonly context: RequestContext) {}",
        "}",
        "",
      ].join("\n"),
    );
    const run = modreg(["generate"], { cwd: dir });
    expect(run.status, describeRun(run)).toBe(1);
    expect(run.stderr).toContain(
      "src/cache.ts:6:24 - error MR3010: captive dependency: singleton module Cache would hold on to scoped module request-context (directly): Cache -> request-context",
    );
    expect(run.stderr).toContain("path: Cache -> request-context");
    expect(readFileSync(manifestPath, "utf8")).toBe(before);
  });
});
