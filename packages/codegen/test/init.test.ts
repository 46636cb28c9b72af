import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_MODULE, NEW_TSCONFIG, planInit, type InitFacts } from "../src/cli/init-plan.js";
import { JsoncError, readJsonc, setJsonc } from "../src/cli/jsonc.js";
import { main } from "../src/cli/main.js";
import { REPO, runModreg } from "./helpers.js";

describe("setJsonc: minimal edits of a tsconfig", () => {
  it("replaces a value in place, keeping comments and trailing commas", () => {
    const text =
      '{\n  // mine\n  "compilerOptions": {\n    "target": "ESNext", // newest\n    "strict": true,\n  },\n}\n';
    expect(setJsonc(text, ["compilerOptions", "target"], "ES2022")).toBe(
      text.replace('"ESNext"', '"ES2022"'),
    );
  });

  it("inserts after the last property, in its indentation, comma style and line ending", () => {
    expect(
      setJsonc(
        '{\n  "compilerOptions": {\n    "strict": true\n  }\n}\n',
        ["compilerOptions", "target"],
        "ES2022",
      ),
    ).toBe('{\n  "compilerOptions": {\n    "strict": true,\n    "target": "ES2022"\n  }\n}\n');
    expect(
      setJsonc(
        '{\n  "compilerOptions": {\n    "strict": true, // yes\n  }\n}\n',
        ["compilerOptions", "target"],
        "ES2022",
      ),
    ).toBe('{\n  "compilerOptions": {\n    "strict": true, // yes\n    "target": "ES2022",\n  }\n}\n');
    expect(
      setJsonc(
        '{\r\n\t"compilerOptions": {\r\n\t\t"strict": true // yes\r\n\t}\r\n}\r\n',
        ["compilerOptions", "target"],
        "ES2022",
      ),
    ).toBe(
      '{\r\n\t"compilerOptions": {\r\n\t\t"strict": true, // yes\r\n\t\t"target": "ES2022"\r\n\t}\r\n}\r\n',
    );
  });

  it("creates the objects on the way", () => {
    expect(
      setJsonc('{\n  /* base */ "extends": "./base.json"\n}\n', ["compilerOptions", "target"], "ES2022"),
    ).toBe(
      '{\n  /* base */ "extends": "./base.json",\n  "compilerOptions": {\n    "target": "ES2022"\n  }\n}\n',
    );
    expect(setJsonc("{}", ["compilerOptions", "target"], "ES2022")).toBe(
      '{\n  "compilerOptions": {\n    "target": "ES2022"\n  }\n}',
    );
  });

  it("reads JSONC and rejects what is not", () => {
    expect(readJsonc('{ "a": [1, "x", { "b": null },], // c\n }')).toEqual({ a: [1, "x", { b: null }] });
    expect(() => readJsonc('{ "a": 1 "b": 2 }')).toThrow(JsoncError);
    expect(() => setJsonc('{ "compilerOptions": [] }', ["compilerOptions", "target"], "x")).toThrow(
      JsoncError,
    );
    expect(() => readJsonc('{ "a": "open }')).toThrow("unterminated string at 1:8");
  });
});

describe("planInit", () => {
  const facts = (over: Partial<InitFacts> = {}): InitFacts => ({
    packageJson: '{\n  "name": "app",\n  "scripts": {\n    "test": "vitest run"\n  }\n}\n',
    tsconfigPath: "tsconfig.json",
    tsconfig: '{ "compilerOptions": { "target": "ES2022" } }\n',
    unloweredDecorators: false,
    hasModules: true,
    example: { path: "src/greeter.ts", exists: false },
    run: "npm run",
    ...over,
  });

  it("adds the scripts, runs generate before an existing pretest, and finds nothing the second time", () => {
    const packageJson = '{ "scripts": { "test": "vitest run", "pretest": "eslint ." } }\n';
    const first = planInit(facts({ packageJson }));
    expect(first.changes.map((c) => c.path)).toEqual(["package.json"]);
    const pkg = JSON.parse(first.changes[0]!.after) as { scripts: Record<string, string> };
    expect(pkg.scripts).toEqual({
      test: "vitest run",
      pretest: "npm run generate && eslint .",
      generate: "modreg generate",
      "generate:check": "modreg generate --check",
      prebuild: "npm run generate",
    });
    expect(first.changes[0]!.reasons).toContain("pretest runs generate first, then what it ran before");
    expect(planInit(facts({ packageJson: first.changes[0]!.after })).changes).toEqual([]);
  });

  it("keeps a generate script that is not modreg's and passes --project", () => {
    const plan = planInit(
      facts({
        packageJson: '{ "scripts": { "generate": "graphql-codegen" } }',
        tsconfigPath: "app/tsconfig.json",
        run: "pnpm run",
      }),
    );
    const pkg = JSON.parse(plan.changes[0]!.after) as { scripts: Record<string, string> };
    expect(pkg.scripts).toMatchObject({
      generate: "graphql-codegen",
      "modreg:generate": "modreg generate --project app/tsconfig.json",
      "generate:check": "modreg generate --check --project app/tsconfig.json",
      prebuild: "pnpm run modreg:generate",
    });
    expect(plan.notes[0]).toContain('scripts.generate already runs "graphql-codegen"');
  });

  it("sets target ES2022 for MR1003, creates a tsconfig and an example only when absent", () => {
    const scripted = planInit(facts()).changes[0]!.after;
    const tsconfig = '{\n  // c\n  "compilerOptions": { "target": "ESNext" }\n}\n';
    const edit = planInit(facts({ packageJson: scripted, tsconfig, unloweredDecorators: true }));
    expect(edit.changes).toEqual([
      expect.objectContaining({
        path: "tsconfig.json",
        before: tsconfig,
        after: tsconfig.replace("ESNext", "ES2022"),
      }),
    ]);
    const fresh = planInit(facts({ packageJson: scripted, tsconfig: undefined, hasModules: false }));
    expect(fresh.changes.map((c) => [c.path, c.before, c.after])).toEqual([
      ["tsconfig.json", undefined, NEW_TSCONFIG],
      ["src/greeter.ts", undefined, EXAMPLE_MODULE],
    ]);
    const taken = planInit(
      facts({ packageJson: scripted, hasModules: false, example: { path: "src/greeter.ts", exists: true } }),
    );
    expect(taken.changes).toEqual([]);
    expect(taken.notes).toContainEqual(
      expect.stringContaining("src/greeter.ts exists: no example module written"),
    );
  });

  it("refuses with MR1008 when the tsconfig cannot be edited in place, saying what to add by hand", () => {
    const plan = planInit(facts({ tsconfig: '{ "compilerOptions": [] }', unloweredDecorators: true }));
    expect(plan.problems).toEqual([
      expect.objectContaining({
        code: "MR1008",
        severity: "error",
        location: { file: "tsconfig.json", line: 1, column: 22, length: 1 },
        hint: expect.stringContaining('add "target": "ES2022" to its compilerOptions') as string,
      }),
    ]);
    expect(plan.problems[0]!.message).toContain("compilerOptions is not an object at 1:22");
  });

  it("reports scripts it leaves alone as conflicts and never rewrites them", () => {
    const packageJson =
      '{ "scripts": { "generate:check": "tsc --noEmit", "prebuild": "modreg generate && tsc" } }';
    const plan = planInit(facts({ packageJson }));
    const pkg = JSON.parse(plan.changes[0]!.after) as { scripts: Record<string, string> };
    expect(pkg.scripts["generate:check"]).toBe("tsc --noEmit");
    expect(pkg.scripts["prebuild"]).toBe("modreg generate && tsc");
    expect(plan.notes).toContain('scripts["generate:check"] already runs "tsc --noEmit": left as it is');
  });
});

describe("modreg init (the built CLI)", () => {
  let work: string;
  beforeAll(() => {
    mkdirSync(path.join(REPO, ".tmp"), { recursive: true });
    work = mkdtempSync(path.join(REPO, ".tmp", "codegen-init-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function project(name: string, files: Record<string, string>): string {
    const dir = path.join(work, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    return dir;
  }
  const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");

  const PACKAGE =
    '{\n    "name": "app",\n    "type": "module",\n    "packageManager": "npm@10.9.0",\n    "scripts": {\n        "test": "vitest run"\n    }\n}\n';
  const TSCONFIG =
    '{\n  // my settings\n  "compilerOptions": {\n    "target": "ESNext", // newest\n    "module": "NodeNext",\n    "strict": true,\n  },\n}\n';

  it("shows the plan and changes nothing without --yes when not on a terminal, or with --dry-run", () => {
    const dir = project("plan-only", { "package.json": PACKAGE, "tsconfig.json": TSCONFIG });
    const run = runModreg(dir, ["init"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^modreg init will change 3 files:\n/);
    expect(run.stdout).toContain(
      '  -        "test": "vitest run"\n  +        "test": "vitest run",\n  +        "generate": "modreg generate",\n',
    );
    expect(run.stdout).toContain(
      '  @@ -1,7 +1,7 @@\n   {\n     // my settings\n     "compilerOptions": {\n  -    "target": "ESNext", // newest\n  +    "target": "ES2022", // newest\n',
    );
    expect(run.stdout).toContain("src/greeter.ts (new file)");
    expect(
      run.stdout.trimEnd().endsWith("nothing changed: run `modreg init --yes` to apply these changes"),
    ).toBe(true);
    const dry = runModreg(dir, ["init", "--dry-run"]);
    expect(dry.stdout.trimEnd().endsWith("dry run: nothing changed")).toBe(true);
    expect(read(dir, "package.json")).toBe(PACKAGE);
    expect(read(dir, "tsconfig.json")).toBe(TSCONFIG);
    expect(existsSync(path.join(dir, "src"))).toBe(false);
  });

  it("applies with --yes keeping the formatting and comments, then finds nothing to change; generate works", () => {
    const dir = project("apply", { "package.json": PACKAGE, "tsconfig.json": TSCONFIG });
    const run = runModreg(dir, ["init", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "changed package.json, tsconfig.json, src/greeter.ts. Next: npm run generate\n",
    );
    expect(read(dir, "package.json")).toBe(
      '{\n    "name": "app",\n    "type": "module",\n    "packageManager": "npm@10.9.0",\n    "scripts": {\n        "test": "vitest run",\n' +
        '        "generate": "modreg generate",\n        "generate:check": "modreg generate --check",\n' +
        '        "prebuild": "npm run generate",\n        "pretest": "npm run generate"\n    }\n}\n',
    );
    expect(read(dir, "tsconfig.json")).toBe(TSCONFIG.replace('"ESNext"', '"ES2022"'));
    expect(read(dir, "src/greeter.ts")).toBe(EXAMPLE_MODULE);
    const again = runModreg(dir, ["init", "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^modreg init: nothing to change\n/);
    const generate = runModreg(dir, ["generate"]);
    expect(generate).toMatchObject({
      code: 0,
      stderr: "",
      stdout: "wrote src/modules.generated.ts (1 module)\n",
    });
  });

  it("creates a tsconfig when there is none, never replaces an existing file", () => {
    const dir = project("bare", {
      "package.json": '{\n\t"name": "bare",\n\t"packageManager": "pnpm@10.34.8"\n}\n',
      "src/greeter.ts": "export const mine = 1;\n",
    });
    const run = runModreg(dir, ["init", "-y"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "note: no @Module class found, and src/greeter.ts exists: no example module written",
    );
    expect(read(dir, "tsconfig.json")).toBe(NEW_TSCONFIG);
    expect(read(dir, "src/greeter.ts")).toBe("export const mine = 1;\n");
    expect(read(dir, "package.json")).toContain('\n\t"scripts": {\n\t\t"generate": "modreg generate",');
    expect(read(dir, "package.json")).toContain('"pretest": "pnpm run generate"');
  });

  it("exits 2 with MR1007 without a package.json or with one that is not JSON, MR1002 for a broken tsconfig", () => {
    const none = runModreg(project("no-package", { "tsconfig.json": "{}" }), ["init"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^error MR1007: no package\.json in this directory: init adds its scripts there\n/,
    );
    expect(none.stderr).toContain("hint: run `modreg init` in the project's root, or `npm init` first");
    const comma = project("bad-package", { "package.json": '{\n  "name": "x",\n}\n' });
    const bad = runModreg(comma, ["init", "--yes"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^package\.json:1:1 - error MR1007: package\.json is not valid JSON \(/);
    expect(read(comma, "package.json")).toBe('{\n  "name": "x",\n}\n');
    const unclosed = project("unclosed-package", { "package.json": '{\n  "name": "x\n}\n' });
    expect(runModreg(unclosed, ["init"]).stderr).toMatch(/^package\.json:2:11 - error MR1007: /);
    const broken = project("broken", {
      "package.json": "{}",
      "tsconfig.json": '{ "compilerOptions": { "notAnOption": 1 } }',
    });
    const run = runModreg(broken, ["init", "--yes"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error MR1002");
    expect(run.stderr).toContain("modreg: fix tsconfig.json first, then run `modreg init` again");
    expect(read(broken, "package.json")).toBe("{}");
  });

  it("exits 2 with MR1008, changing nothing, when the tsconfig needs a target it cannot add in place", () => {
    const tsconfig = '{ "extends": "./base.json", "compilerOptions": [] }\n';
    const dir = project("uneditable", {
      "package.json": PACKAGE,
      "base.json": '{ "compilerOptions": { "target": "ESNext" } }\n',
      "tsconfig.json": tsconfig,
    });
    const run = runModreg(dir, ["init", "--yes"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^tsconfig\.json:1:48 - error MR1008: tsconfig\.json needs "target": "ES2022"/,
    );
    expect(run.stderr).toContain('hint: add "target": "ES2022" to its compilerOptions');
    expect(read(dir, "tsconfig.json")).toBe(tsconfig);
    expect(read(dir, "package.json")).toBe(PACKAGE);
    expect(existsSync(path.join(dir, "src"))).toBe(false);
  });

  it("follows extends: a base with target ESNext gets ES2022 in the project's own tsconfig", () => {
    const dir = project("extends", {
      "package.json": PACKAGE,
      "base.json": '{ "compilerOptions": { "target": "ESNext", "module": "NodeNext" } }\n',
      "tsconfig.json": '{\n  "extends": "./base.json"\n}\n',
    });
    expect(runModreg(dir, ["init", "--yes"]).code).toBe(0);
    expect(read(dir, "tsconfig.json")).toBe(
      '{\n  "extends": "./base.json",\n  "compilerOptions": {\n    "target": "ES2022"\n  }\n}\n',
    );
    expect(runModreg(dir, ["init"]).stdout).toMatch(/^modreg init: nothing to change\n/);
  });

  it("reports the scripts it leaves alone, and refuses --yes with --dry-run", () => {
    const pkg =
      '{\n  "packageManager": "npm@10.9.0",\n  "scripts": { "generate": "graphql-codegen", "generate:check": "tsc --noEmit" }\n}\n';
    const dir = project("conflicts", {
      "package.json": pkg,
      "tsconfig.json": '{ "compilerOptions": { "target": "ES2022" } }\n',
      "src/a.ts": "export {};\n",
    });
    const run = runModreg(dir, ["init", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'note: scripts.generate already runs "graphql-codegen": modreg\'s is scripts["modreg:generate"]\n',
    );
    expect(run.stdout).toContain(
      'note: scripts["generate:check"] already runs "tsc --noEmit": left as it is\n',
    );
    expect(run.stdout).toContain("Next: npm run modreg:generate\n");
    const scripts = (JSON.parse(read(dir, "package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts).toMatchObject({ generate: "graphql-codegen", "generate:check": "tsc --noEmit" });
    expect(scripts["modreg:generate"]).toBe("modreg generate");
    const both = runModreg(dir, ["init", "--yes", "--dry-run"]);
    expect(both).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "modreg: --yes and --dry-run cannot be combined\nRun `modreg init --help` for usage.\n",
    });
  });

  it("asks on a terminal and applies only on yes", async () => {
    const dir = project("ask", {
      "package.json": PACKAGE,
      "tsconfig.json": '{ "compilerOptions": { "target": "ES2022" } }\n',
      "src/a.ts": "export {};\n",
    });
    const ask = async (answer: string, meanwhile = () => {}) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      let out = "";
      let err = "";
      const stdout = Object.assign(new PassThrough(), { isTTY: true });
      stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (!out.endsWith("Apply these changes? [y/N] ")) return;
        meanwhile();
        stdin.write(`${answer}\n`);
      });
      const code = await main(["init"], {
        cwd: dir,
        stdin,
        stdout,
        stderr: { write: (text: string) => (err += text) },
        env: { NO_COLOR: "1" },
      });
      return { code, out, err };
    };
    const no = await ask("n");
    expect(no.code).toBe(0);
    expect(no.out).toContain("Apply these changes? [y/N] ");
    expect(no.out.trimEnd().endsWith("nothing changed")).toBe(true);
    expect(read(dir, "package.json")).toBe(PACKAGE);
    const edited = PACKAGE.replace("vitest run", "vitest run --coverage");
    const raced = await ask("y", () => writeFileSync(path.join(dir, "package.json"), edited));
    expect(raced.code).toBe(2);
    expect(raced.err).toMatch(
      /^error MR1009: package\.json changed after the plan was shown: nothing changed\n/,
    );
    expect(read(dir, "package.json")).toBe(edited);
    expect(existsSync(path.join(dir, "src/greeter.ts"))).toBe(false);
    writeFileSync(path.join(dir, "package.json"), PACKAGE);
    const yes = await ask("y");
    expect(yes.code).toBe(0);
    expect(read(dir, "package.json")).toContain('"generate": "modreg generate"');
    expect(existsSync(path.join(dir, "src/greeter.ts"))).toBe(true);
  });
});
