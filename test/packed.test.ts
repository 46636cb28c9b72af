import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installOutside, pack } from "./support/outside.js";
import { describeRun, node, repoRoot, run } from "./support/run.js";
import { TENANT_APP_MODULES } from "./support/tenant-app.js";

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

    // Stack traces point to shipped files: the TypeScript sources the source maps name are in the package.
    const coreDist = join(dir, "node_modules", "@modreg", "core", "dist");
    const map = JSON.parse(readFileSync(join(coreDist, "index.js.map"), "utf8")) as { sources: string[] };
    expect(map.sources).toEqual(["../src/index.ts"]);
    expect(existsSync(join(coreDist, map.sources[0]!))).toBe(true);

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

// @modreg/tenants from its packed tarball, with none of its optional peers installed: the main
// entry works (ESM and CommonJS), and each subpath whose peer is missing says so with a code.
const tenantApp = (load: string, loadEntry: string) => `${load}
${TENANT_APP_MODULES}
async function main() {
  const app = core.createContainer(manifest);
  await app.start();
  const host = tenants.createTenantHost(app); // the memory store: no server, no peer
  await host.create("acme", { modules: ["tasks"] });
  await host.load("acme");
  const t = host.get("acme", Tasks);
  console.log(t.tenant.tenantId, t.db === app.get(Database), host.modulesOf("acme")[0].state);
  try {
    host.get("nobody", Tasks);
  } catch (e) {
    // one copy of @modreg/core: the tenants build of the app's own module system shares it
    console.log(e.code, e instanceof core.ModuleRegistryError);
  }
  for (const entry of ["postgres", "express", "openfeature"]) {
    try {
      ${loadEntry};
      console.log(entry, "loaded");
    } catch (e) {
      console.log(entry, e.code, e.message);
    }
  }
  await app.dispose();
}
main();
`;

describe("@modreg/tenants consumed from outside the repository, without its optional peers", () => {
  let dir = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "modreg-tenants-outside-"));
    const core = pack("packages/core", dir);
    const tenants = pack("packages/tenants", dir);
    await installOutside({
      dir,
      dependencies: { "@modreg/core": `file:./${core}`, "@modreg/tenants": `file:./${tenants}` },
    });
    writeFileSync(
      join(dir, "main.mjs"),
      tenantApp(
        'import * as core from "@modreg/core";\nimport * as tenants from "@modreg/tenants";',
        'await import("@modreg/tenants/" + entry)',
      ),
    );
    writeFileSync(
      join(dir, "main.cjs"),
      tenantApp(
        'const core = require("@modreg/core");\nconst tenants = require("@modreg/tenants");\n' +
          'console.log(require.resolve("@modreg/tenants").endsWith("dist/cjs/index.js"));',
        'require("@modreg/tenants/" + entry)',
      ),
    );
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("installs none of the peers: they are optional", () => {
    for (const peer of ["pg", "redis", "express", "@openfeature/server-sdk"]) {
      expect(existsSync(join(dir, "node_modules", peer)), peer).toBe(false);
    }
  });

  for (const file of ["main.mjs", "main.cjs"]) {
    it(`runs a tenant host with the memory store (${file}), and a missing peer is PEER_DEPENDENCY_MISSING`, () => {
      // pnpm's NODE_PATH (set for the test runner) would let require() find the workspace's peers
      const result = node(file, [], { cwd: dir, env: { NODE_PATH: "" } });
      expect(result.status, describeRun(result)).toBe(0);
      const lines = result.stdout.trim().split("\n");
      // CommonJS gets the CommonJS build (dist/cjs), not the ESM one through require(esm)
      if (file === "main.cjs") expect(lines.shift()).toBe("true");
      expect(lines[0]).toBe("acme true ready");
      expect(lines[1]).toBe("TENANT_NOT_LOADED true");
      for (const [i, entry, peer] of [
        [2, "postgres", "pg"],
        [3, "express", "express"],
        [4, "openfeature", "@openfeature/server-sdk"],
      ] as const) {
        expect(lines[i]).toContain(`${entry} PEER_DEPENDENCY_MISSING`);
        expect(lines[i]).toContain(`@modreg/tenants/${entry} needs "${peer}"`);
        expect(lines[i]).toContain(`npm install ${peer}`);
      }
    });
  }
});
