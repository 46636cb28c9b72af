import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, node, repoRoot, run } from "./support/run.js";

// A user outside this repository: install the packed tarballs of @modreg/core and
// @modreg/codegen with npm, run the `modreg` bin they ship, compile with tsc, run with node.
const app = {
  "src/clock.ts": `import { Module } from "@modreg/core";

export interface Clock {
  now(): string;
}

@Module({ id: "clock" })
export class FixedClock implements Clock {
  now(): string {
    return "09:30";
  }
}
`,
  "src/greeter.ts": `import { Module } from "@modreg/core";
import type { Clock } from "./clock.js";

@Module({ id: "greeter", version: "1.0.0" })
export class Greeter {
  constructor(private readonly clock: Clock) {}

  greet(name: string): string {
    return \`Hello \${name}, it is \${this.clock.now()}\`;
  }
}
`,
  "src/main.ts": `import { createContainer } from "@modreg/core";
import { manifest } from "./modules.generated.js";

const app = createContainer(manifest);
await app.start();
console.log(app.get("greeter").greet("Ada"));
await app.dispose();
`,
  "tsconfig.json": JSON.stringify(
    {
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
    },
    null,
    2,
  ),
};

function pack(packageDir: string, destination: string): string {
  const before = new Set(readdirSync(destination));
  const result = run("pnpm", ["pack", "--pack-destination", destination], {
    cwd: join(repoRoot, packageDir),
  });
  expect(result.status, describeRun(result)).toBe(0);
  const tarball = readdirSync(destination).find((name) => !before.has(name) && name.endsWith(".tgz"));
  if (tarball === undefined)
    throw new Error(`pnpm pack wrote no tarball for ${packageDir}\n${describeRun(result)}`);
  return tarball;
}

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

  it("installs the packed packages with npm, generates with the bin and runs with node", () => {
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
    for (const [file, text] of Object.entries(app)) writeFileSync(join(dir, file), text);

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
    expect(result.stdout.trim()).toBe("Hello Ada, it is 09:30");
  }, 300_000);
});
