import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack } from "./support/outside.js";
import { describeRun, node, repoRoot, run } from "./support/run.js";

// A user outside this repository follows the README's tutorial: install the packed
// tarballs of @modreg/core and @modreg/codegen with npm, write the tutorial's files (read
// from README.md, so the tutorial cannot drift), run the `modreg` bin they ship, compile
// with tsc, run with node, then break the graph the way step 5 says.
const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

/** The tutorial's source files: the ```ts blocks whose first line is `// src/<file>.ts`. */
function tutorialFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, path, body] of readme.matchAll(/```ts\n\/\/ (src\/[\w-]+\.ts)\n([\s\S]*?)```/g)) {
    files.set(path ?? "", body ?? "");
  }
  return files;
}

/** The diagnostic step 5 of the tutorial shows. */
function tutorialDiagnostic(): string {
  const step = readme.split("**5. Break it on purpose.**")[1] ?? "";
  return /```\n([\s\S]*?)```/.exec(step)?.[1]?.trimEnd() ?? "";
}

const tsconfig = JSON.stringify({
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: true,
    rootDir: "src",
    outDir: "dist",
    types: [],
  },
  include: ["src"],
});

describe("modreg consumed from outside the repository", () => {
  let dir = "";
  beforeAll(() => {
    for (const pkg of ["core", "codegen"]) {
      if (!existsSync(join(repoRoot, "packages", pkg, "dist", "index.js"))) {
        throw new Error(`packages/${pkg} is not built: run \`pnpm build\` first`);
      }
    }
    dir = mkdtempSync(join(tmpdir(), "modreg-outside-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the README tutorial: npm install of the packed packages, the bin, tsc, node, and step 5", () => {
    const core = pack("packages/core", dir);
    const codegen = pack("packages/codegen", dir);
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify(
        {
          name: "outside-app",
          private: true,
          type: "module",
          dependencies: { "@modreg/core": `file:./${core}` },
          devDependencies: { "@modreg/codegen": `file:./${codegen}`, typescript: "6.0.3" },
          // The packed codegen depends on @modreg/core by version; use the local tarball for it too.
          overrides: { "@modreg/core": "$@modreg/core" },
        },
        null,
        2,
      ),
    );
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "tsconfig.json"), tsconfig);
    const files = tutorialFiles();
    expect([...files.keys()]).toEqual(["src/logger.ts", "src/database.ts", "src/main.ts"]);
    for (const [file, text] of files) writeFileSync(join(dir, file), text);

    const installed = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: dir,
      timeoutMs: 240_000,
    });
    expect(installed.status, describeRun(installed)).toBe(0);
    // One copy of @modreg/core, the local tarball, also for the codegen's dependency on it.
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { resolved?: string }>;
    };
    const cores = Object.entries(lock.packages).filter(([path]) =>
      path.endsWith("node_modules/@modreg/core"),
    );
    expect(cores.map(([path, entry]) => [path, entry.resolved])).toEqual([
      ["node_modules/@modreg/core", `file:${core}`],
    ]);

    const bin = join(dir, "node_modules", ".bin");
    const generated = run(
      join(bin, "modreg"),
      ["generate", "--project", "tsconfig.json", "--out", "src/modules.generated.ts"],
      {
        cwd: dir,
      },
    );
    expect(generated.status, describeRun(generated)).toBe(0);

    const compiled = run(join(bin, "tsc"), ["-p", "tsconfig.json"], { cwd: dir });
    expect(compiled.status, describeRun(compiled)).toBe(0);

    const result = node("dist/main.js", [], { cwd: dir });
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout).toBe("connected\nclosed\n");

    // Step 5: a parameter typed with an interface nothing implements.
    const manifestBefore = readFileSync(join(dir, "src", "modules.generated.ts"), "utf8");
    writeFileSync(join(dir, "src", "mailer.ts"), "export interface Mailer {\n  send(to: string): void;\n}\n");
    const database = join(dir, "src", "database.ts");
    writeFileSync(
      database,
      readFileSync(database, "utf8")
        .replace(
          'import type { Logger } from "./logger.js";',
          'import type { Logger } from "./logger.js";\nimport type { Mailer } from "./mailer.js";',
        )
        .replace(
          "constructor(private readonly log: Logger) {}",
          "constructor(\n    private readonly log: Logger,\n    private readonly mailer: Mailer,\n  ) {}",
        ),
    );
    const broken = run(
      join(bin, "modreg"),
      ["generate", "--project", "tsconfig.json", "--out", "src/modules.generated.ts"],
      {
        cwd: dir,
      },
    );
    expect(broken.status, describeRun(broken)).toBe(1);
    expect(tutorialDiagnostic()).toMatch(/^src\/database\.ts:\d+:\d+ - error MR3003: /);
    expect(broken.stderr).toContain(tutorialDiagnostic());
    expect(readFileSync(join(dir, "src", "modules.generated.ts"), "utf8")).toBe(manifestBefore);
  }, 300_000);
});
