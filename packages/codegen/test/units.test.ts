import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES, formatSummary, type Diagnostic } from "../src/index.js";
import { parseArgs, UsageError } from "../src/cli/args.js";
import { globToRegExp, pathFilter } from "../src/scan/glob.js";
import { importSpecifier, nameFromFile } from "../src/write/imports.js";

describe("globs for --include/--exclude", () => {
  it("matches segments, globstars, braces and directory prefixes", () => {
    expect(globToRegExp("src/**/*.ts").test("src/a/b/c.ts")).toBe(true);
    expect(globToRegExp("src/**/*.ts").test("src/c.ts")).toBe(true);
    expect(globToRegExp("src/*.ts").test("src/a/c.ts")).toBe(false);
    expect(globToRegExp("src/{a,b}.ts").test("src/b.ts")).toBe(true);
    expect(globToRegExp("src/legacy").test("src/legacy/old.ts")).toBe(true);
    expect(globToRegExp("src/legacy").test("src/legacy-new.ts")).toBe(false);
    expect(globToRegExp("./src/?.ts").test("src/x.ts")).toBe(true);
    expect(globToRegExp("src/[ab].ts").test("src/c.ts")).toBe(false);
  });

  it("keeps a file when some include and no exclude match it", () => {
    const walk = pathFilter(["src/**"], ["**/*.test.ts"]);
    expect(walk("src/a.ts")).toBe(true);
    expect(walk("src/a.test.ts")).toBe(false);
    expect(walk("lib/a.ts")).toBe(false);
    expect(pathFilter([], [])("anything.ts")).toBe(true);
  });
});

describe("import specifiers", () => {
  it("follow the module resolution", () => {
    expect(importSpecifier("/p/src/modules.generated.ts", "/p/src/a/b.ts", "js")).toBe("./a/b.js");
    expect(importSpecifier("/p/src/modules.generated.ts", "/p/src/a/b.ts", "extensionless")).toBe("./a/b");
    expect(importSpecifier("/p/gen/m.ts", "/p/src/c.mts", "js")).toBe("../src/c.mjs");
    expect(importSpecifier("/p/gen/m.ts", "/p/src/c.cts", "js")).toBe("../src/c.cjs");
    expect(importSpecifier("/p/gen/m.ts", "/p/src/c.tsx", "js")).toBe("../src/c.js");
  });

  it("names anonymous default classes after their file", () => {
    expect(nameFromFile("/p/src/export-job.ts")).toBe("ExportJob");
    expect(nameFromFile("/p/src/1st.ts")).toBe("Module1st");
  });
});

describe("command line", () => {
  it("parses repeatable and = forms", () => {
    const args = parseArgs([
      "generate",
      "--include",
      "src/**",
      "--include=lib/**",
      "-p",
      "app/tsconfig.json",
      "--watch",
    ]);
    expect(args).toMatchObject({
      command: "generate",
      include: ["src/**", "lib/**"],
      project: "app/tsconfig.json",
      watch: true,
    });
    expect(parseArgs(["check", "--env", "prod", "--feature", "a", "--feature", "b"])).toMatchObject({
      env: "prod",
      features: ["a", "b"],
    });
    expect(parseArgs(["graph", "--format", "dot"]).format).toBe("dot");
    expect(parseArgs(["--version"]).command).toBe("version");
  });

  it("rejects unknown commands, flags and misplaced flags", () => {
    expect(() => parseArgs([])).toThrow(UsageError);
    expect(() => parseArgs(["generate", "--nope"])).toThrow("unknown option --nope");
    expect(() => parseArgs(["check", "--json", "x"])).toThrow('--json does not apply to "modreg check"');
    expect(() => parseArgs(["generate", "--out"])).toThrow("--out needs a value");
    expect(() => parseArgs(["generate", "--watch", "--check"])).toThrow(UsageError);
  });
});

describe("diagnostic summary", () => {
  const at = (file: string) => ({ file, line: 1, column: 1, length: 1 });
  it("counts errors and files", () => {
    const d = (file: string): Diagnostic => ({
      code: "MR3003",
      severity: "error",
      message: "m",
      location: at(file),
    });
    expect(formatSummary([d("a.ts"), d("b.ts")])).toBe("2 errors in 2 files");
    expect(formatSummary([d("a.ts")])).toBe("1 error in 1 file");
  });

  it("has one stable MR code per kind", () => {
    expect(Object.keys(DIAGNOSTIC_CODES).every((c) => /^MR\d{4}$/.test(c))).toBe(true);
  });
});
