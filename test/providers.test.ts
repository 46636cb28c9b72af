import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAndRunEverywhere, describeRun, modreg } from "./support/run.js";
import { copyFixture, removeDir } from "./support/workdir.js";

const EXPECTED = [
  "connected to memory://shop",
  "placed sku-42",
  "count 6 via http://localhost:8080",
  "same client: true",
  "kinds: Config=class,Orders=class,api-url=provider,bus=provider,database=provider",
  "client ended",
  "bus disposed",
].join("\n");

// Provider functions end to end: the real CLI reads provide() exports (an async client, a
// third-party class injected by type, a string chosen by id), the generated manifest calls
// them through core's shared path, and the app runs under tsx and as tsc output.
describe("provide() through modreg generate", () => {
  let dir = "";
  beforeAll(() => {
    dir = copyFixture("providers");
    const generated = modreg(["generate", "--json", "graph.json"], { cwd: dir });
    expect(generated.status, describeRun(generated)).toBe(0);
  });
  afterAll(() => removeDir(dir));

  it("lists each provider in the packed manifest, built once through core's shared path", () => {
    const text = readFileSync(join(dir, "src", "modules.generated.ts"), "utf8");
    expect(text).toContain("    database as never,");
    // built once: no direct call of its own (factory-scoped modules keep one)
    expect(text).not.toContain("database.fn(");
    expect(text).toContain('\n"@types/node:events#events.EventEmitter<');
    expect(text).toContain('"database": Provided<typeof database>;');
  });

  it("type-checks, then runs under tsx and compiled by tsc: async provider awaited, disposed in reverse", () => {
    const [checked, ...runs] = checkAndRunEverywhere(dir);
    for (const run of [checked!, ...runs]) expect(run.status, describeRun(run)).toBe(0);
    expect(runs.map((run) => run.stdout.trim())).toEqual([EXPECTED, EXPECTED]);
  });

  it("shows providers in --json and modreg graph", () => {
    const json = JSON.parse(readFileSync(join(dir, "graph.json"), "utf8")) as {
      modules: { id: string; kind: string; provider?: string; asyncInit: boolean }[];
      edges: { from: string; to: string }[];
    };
    expect(json.modules.find((m) => m.id === "database")).toMatchObject({
      kind: "provider",
      provider: "database",
      asyncInit: true,
    });
    expect(json.edges).toContainEqual(expect.objectContaining({ from: "Orders", to: "database" }));
    const mermaid = modreg(["graph"], { cwd: dir });
    expect(mermaid.status, describeRun(mermaid)).toBe(0);
    expect(mermaid.stdout).toMatch(/m\d+\(\["database@1\.0\.0<br\/>singleton<br\/>provides Client"\]\)/);
    const dot = modreg(["graph", "--format", "dot"], { cwd: dir });
    expect(dot.stdout).toMatch(
      /"database" \[label="database@1\.0\.0\\nsingleton\\nprovides Client", shape=ellipse\];/,
    );
  });
});
