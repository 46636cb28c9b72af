import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createGenerators } from "../src/index.js";
import { FIXTURES, runModreg, UPDATE } from "./helpers.js";
import { typecheck } from "./typecheck-host.js";

/** Two entries (background and content scripts) of one tsconfig, sharing class names. */
const FIXTURE = path.join(FIXTURES, "entries-shared-names");
const OUTS = ["src/background/modules.generated.ts", "src/content/modules.generated.ts"];
const TMP = fileURLToPath(new URL("./.tmp/entries/", import.meta.url));

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe("several outputs from one tsconfig (modreg.config.json)", () => {
  it("writes each entry's manifest from its own files, as the golden files show", () => {
    // the golden files are the CLI's own output: `generate` rewrites them, `--check` compares
    const result = runModreg(FIXTURE, UPDATE ? ["generate"] : ["generate", "--check"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const out of OUTS) expect(result.stdout).toContain(out);
  });

  it("gives each manifest its own Registry, so both type-check in one program", () => {
    expect(typecheck(path.join(FIXTURE, "tsconfig.json"))).toBe("");
  });

  it("clashes (TS2717) when both augment the global ModuleRegistry", () => {
    const dir = path.join(TMP, "global");
    mkdirSync(TMP, { recursive: true });
    cpSync(FIXTURE, dir, { recursive: true });
    const generators = createGenerators({
      project: dir,
      write: false,
      outputs: [
        { out: path.join(dir, OUTS[0]!), include: ["src/background", "src/shared"], registry: "global" },
        { out: path.join(dir, OUTS[1]!), include: ["src/content", "src/shared"], registry: "global" },
      ],
    });
    for (const generator of generators) {
      const result = generator.run();
      expect(result.diagnostics).toEqual([]);
      writeFileSync(result.out, result.code);
    }
    rmSync(path.join(dir, "src", "main.ts"));
    expect(typecheck(path.join(dir, "tsconfig.json"))).toContain("error TS2717");
  });

  it("runs only the entries --entry names", () => {
    const result = runModreg(FIXTURE, ["generate", "--check", "--entry", "content"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${OUTS[1]!} is up to date (4 modules)\n`);
  });

  it("refuses an unknown entry and a graph of several entries as usage errors", () => {
    const unknown = runModreg(FIXTURE, ["generate", "--entry", "contnet"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'modreg.config.json: no entry named "contnet" (did you mean "content"?)',
    );
    const graph = runModreg(FIXTURE, ["graph"]);
    expect(graph.code).toBe(2);
    expect(graph.stderr).toContain("the config has 2 entries: draw one with --entry background|content");
    const drawn = runModreg(FIXTURE, ["graph", "--entry", "background"]);
    expect(drawn.code).toBe(0);
    expect(drawn.stdout).toContain("BackgroundPresenter");
  });
});
