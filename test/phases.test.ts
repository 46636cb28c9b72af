import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAndRunEverywhere, describeRun, modreg } from "./support/run.js";
import { copyFixture, removeDir } from "./support/workdir.js";

const EXPECTED = [
  "server init",
  "metrics ready",
  "server ready (cache redis)",
  "primary: redis; all: memory,redis",
  "csv ready",
  "json ready",
  "exporters: csv,json; has pdf: false",
  "job tenant-42 x10 on redis",
  "server shutdown",
  "metrics shutdown",
  "server disposed",
].join("\n");

// Issue 9 §2, §4, §5 end to end: the real CLI reads a Resolver parameter, a primary
// provider, onReady/onShutdown and a typed factory; the app type-checks (a wrong create()
// argument is a @ts-expect-error tsc verifies) and runs under tsx and as tsc output.
describe("Resolver, phases and primary through modreg generate", () => {
  let dir = "";
  beforeAll(() => {
    dir = copyFixture("phases");
    const generated = modreg(["generate", "--json", "graph.json"], { cwd: dir });
    expect(generated.status, describeRun(generated)).toBe(0);
  });
  afterAll(() => removeDir(dir));

  it("records the Resolver as a deferred edge, the primary flag and the factory's argument types", () => {
    const text = readFileSync(join(dir, "src", "modules.generated.ts"), "utf8");
    // packed: the Resolver key in the keys table, the dep by key index with flags 16 (inject "resolver")
    expect(text).toContain('\n"@modreg/core#Resolver"');
    expect(text).toMatch(/\[-\d+,"resolver",16\]/);
    expect(text).toContain('"primary":true');
    expect(text).toContain('"export-job": DeferredArgs<typeof ExportJob, 2>;');
    const json = JSON.parse(readFileSync(join(dir, "graph.json"), "utf8")) as {
      modules: { id: string; dependencies: { inject: string; deferred: boolean }[] }[];
    };
    expect(json.modules.find((m) => m.id === "exporters")!.dependencies).toEqual([
      expect.objectContaining({ inject: "resolver", deferred: true }),
    ]);
  });

  it("type-checks, then runs under tsx and compiled by tsc: onReady after init, onShutdown before dispose", () => {
    const [checked, ...runs] = checkAndRunEverywhere(dir);
    for (const run of [checked!, ...runs]) expect(run.status, describeRun(run)).toBe(0);
    expect(runs.map((run) => run.stdout.trim())).toEqual([EXPECTED, EXPECTED]);
  });

  it("reports two primaries (MR3018, both locations) and a wrapped Resolver (MR2019)", () => {
    const cache = join(dir, "src", "cache.ts");
    const source = readFileSync(cache, "utf8");
    writeFileSync(
      cache,
      source.replace('@Module({ id: "memory-cache" })', '@Module({ id: "memory-cache", primary: true })'),
    );
    const exporters = join(dir, "src", "exporters.ts");
    const original = readFileSync(exporters, "utf8");
    writeFileSync(
      exporters,
      original
        .replace("import { Module, type Resolver }", "import { type Lazy, Module, type Resolver }")
        .replace("private readonly resolver: Resolver", "private readonly resolver: Lazy<Resolver>"),
    );
    try {
      const checked = modreg(["check"], { cwd: dir });
      expect(checked.status, describeRun(checked)).toBe(1);
      expect(checked.stderr).toContain(
        "error MR3018: parameter `cache` of catalog is ambiguous: memory-cache, redis-cache are all marked primary",
      );
      expect(checked.stderr).toContain("src/cache.ts:7:31 - memory-cache is marked primary here");
      expect(checked.stderr).toContain("src/cache.ts:12:30 - redis-cache is marked primary here");
      expect(checked.stderr).toContain("error MR2019: parameter `resolver` of exporters is Lazy<Resolver>");
    } finally {
      writeFileSync(cache, source);
      writeFileSync(exporters, original);
    }
  });
});
