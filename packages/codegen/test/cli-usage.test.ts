import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../src/cli/args.js";
import { shouldColor } from "../src/cli/color.js";
import { editDistance, suggest } from "../src/cli/suggest.js";
import { FIXTURES, REPO, runModreg } from "./helpers.js";

describe("suggest", () => {
  it("counts insertions, deletions, substitutions and swaps", () => {
    expect(editDistance("generat", "generate")).toBe(1);
    expect(editDistance("genreate", "generate")).toBe(1);
    expect(editDistance("--ouput", "--out")).toBe(2);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("picks the nearest name, a unique prefix, or nothing", () => {
    const commands = ["generate", "check", "graph"];
    expect(suggest("generat", commands)).toBe("generate");
    expect(suggest("gen", commands)).toBe("generate");
    expect(suggest("chekc", commands)).toBe("check");
    expect(suggest("grpah", commands)).toBe("graph");
    expect(suggest("frobnicate", commands)).toBeUndefined();
    expect(suggest("g", commands)).toBeUndefined();
    expect(suggest("--ouput", ["--project", "--out", "--json"])).toBe("--out");
    expect(suggest("--proejct", ["--project", "--out"])).toBe("--project");
  });
});

describe("shouldColor (NO_COLOR, FORCE_COLOR, TTY)", () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: "dumb" }, true, false],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true],
    [{ FORCE_COLOR: "1" }, false, true],
    [{ FORCE_COLOR: "2" }, false, true],
    [{ FORCE_COLOR: "3" }, false, true],
    [{ FORCE_COLOR: "true" }, false, true],
    [{ FORCE_COLOR: "" }, false, true],
    [{ FORCE_COLOR: "0" }, true, false],
    [{ FORCE_COLOR: "false" }, true, false],
    [{ FORCE_COLOR: "1", NO_COLOR: "1" }, false, true],
  ])("%j on a TTY=%s: %s", (env, tty, expected) => {
    expect(shouldColor(env, tty)).toBe(expected);
  });
});

describe("parseArgs: help and usage errors", () => {
  it("asks for a command's help with --help anywhere or `help <command>`", () => {
    expect(parseArgs(["--help"])).toMatchObject({ command: "help", helpFor: undefined });
    expect(parseArgs(["help"])).toMatchObject({ command: "help", helpFor: undefined });
    expect(parseArgs(["generate", "--help"])).toMatchObject({ command: "help", helpFor: "generate" });
    expect(parseArgs(["-p", "app/tsconfig.json", "graph", "-h"])).toMatchObject({ helpFor: "graph" });
    expect(parseArgs(["help", "check"])).toMatchObject({ command: "help", helpFor: "check" });
    expect(() => parseArgs(["help", "chek"])).toThrow('unknown command "chek" (did you mean "check"?)');
  });

  it("names the command whose help the pointer leads to", () => {
    const error = (() => {
      try {
        parseArgs(["graph", "--fromat", "dot"]);
      } catch (e) {
        return e as UsageError;
      }
      throw new Error("no usage error");
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe("unknown option --fromat (did you mean --format?)");
    expect(error.command).toBe("graph");
    expect(() => parseArgs(["generate", "--watch=yes"])).toThrow("--watch takes no value");
  });
});

describe("the built CLI: usage errors and help", () => {
  let work: string;
  beforeAll(() => {
    mkdirSync(path.join(REPO, ".tmp"), { recursive: true });
    work = mkdtempSync(path.join(REPO, ".tmp", "codegen-usage-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each([
    [["generat"], 'unknown command "generat" (did you mean "generate"?)', "modreg --help"],
    [
      ["generate", "--ouput", "x.ts"],
      "unknown option --ouput (did you mean --out?)",
      "modreg generate --help",
    ],
    [
      ["graph", "--format", "dott"],
      '--format must be mermaid, dot, json, svg or png (got "dott") (did you mean "dot"?)',
      "modreg graph --help",
    ],
    [["check", "--json", "x"], '--json does not apply to "modreg check"', "modreg check --help"],
    [[], "missing command (generate, check, graph, migrate, init)", "modreg --help"],
    [["frobnicate"], 'unknown command "frobnicate"', "modreg --help"],
  ])("modreg %j: one line and a pointer to the help, exit 2", (argv, message, help) => {
    const run = runModreg(work, argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`modreg: ${message}\nRun \`${help}\` for usage.\n`);
  });

  it("prints a command's own options for `<command> --help` and `help <command>`", () => {
    const generate = runModreg(work, ["generate", "--help"]);
    expect(generate.code).toBe(0);
    expect(generate.stdout).toMatch(/^Usage: modreg generate \[options\]\n/);
    expect(generate.stdout).toContain("--watch");
    expect(generate.stdout).not.toContain("--format");
    expect(generate.stdout).not.toContain("--env");
    expect(runModreg(work, ["help", "generate"]).stdout).toBe(generate.stdout);
    const graph = runModreg(work, ["graph", "-h"]);
    expect(graph.stdout).toContain("--format <f>");
    expect(graph.stdout).not.toContain("--watch");
  });

  it("keeps --help the overview of every command", () => {
    const help = runModreg(work, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: modreg <command> \[options\]\n/);
    for (const command of ["generate", "check", "graph"]) expect(help.stdout).toContain(`  ${command} `);
    expect(help.stdout).not.toContain("--include");
  });

  it("colours diagnostics by NO_COLOR and FORCE_COLOR, never by default when not a TTY", () => {
    const dir = path.join(work, "cycle");
    cpSync(path.join(FIXTURES, "mr3005-cycle"), dir, { recursive: true });
    const ansi = "\u001b[";
    const run = (env: Record<string, string>) => runModreg(dir, ["check"], env);
    expect(run({}).stderr).not.toContain(ansi);
    const forced = run({ FORCE_COLOR: "1" });
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain("\u001b[31merror\u001b[0m");
    expect(run({ FORCE_COLOR: "0" }).stderr).not.toContain(ansi);
    expect(run({ NO_COLOR: "1" }).stderr).not.toContain(ansi);
  });
});
