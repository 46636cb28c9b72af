import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installOutside, pack } from "./support/outside.js";
import { describeRun, run } from "./support/run.js";
import { fixturesDir } from "./support/workdir.js";

// The TypeScript versions the README promises: a consumer of the packed packages (the
// toolchain app and the manifest `modreg generate` wrote for it) type-checks under `strict`
// (and exactOptionalPropertyTypes, noUncheckedIndexedAccess),
// without `skipLibCheck` and with the default `lib`, in both decorator modes, with each
// compiler of the range. All compilers come from one npm install, under aliases.
// (Versions are pinned; widen the range deliberately, in the README too.)
const COMPILERS = {
  "5.0": { alias: "ts50", spec: "npm:typescript@5.0.4", bin: "bin/tsc" },
  "5.4": { alias: "ts54", spec: "npm:typescript@5.4.5", bin: "bin/tsc" },
  "5.9": { alias: "ts59", spec: "npm:typescript@5.9.3", bin: "bin/tsc" },
  "6.0": { alias: "ts60", spec: "npm:typescript@6.0.3", bin: "bin/tsc" },
  "7.0 (native)": { alias: "ts70", spec: "npm:typescript@7.0.2", bin: "bin/tsc" },
  "tsgo preview": {
    alias: "tsgo",
    spec: "npm:@typescript/native-preview@7.0.0-dev.20260707.2",
    bin: "bin/tsgo",
  },
} as const;
type Compiler = keyof typeof COMPILERS;
type Mode = "standard" | "legacy";

let root = "";
const appDir = (mode: Mode): string => join(root, mode);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "modreg-ts-range-"));
  const core = pack("packages/core", root);
  const codegen = pack("packages/codegen", root);
  await installOutside({
    dir: root,
    dependencies: { "@modreg/core": `file:./${core}` },
    devDependencies: {
      "@modreg/codegen": `file:./${codegen}`,
      ...Object.fromEntries(Object.values(COMPILERS).map(({ alias, spec }) => [alias, spec])),
    },
  });
  for (const mode of ["standard", "legacy"] as const) {
    const dir = appDir(mode);
    cpSync(join(fixturesDir, "toolchain-app", "src"), join(dir, "src"), { recursive: true });
    rmSync(join(dir, "src", "app.test.ts"));
    // The tsyringe bridge's subpath export, typed against any tsyringe-like container.
    writeFileSync(
      join(dir, "src", "bridge.ts"),
      [
        'import type { Container } from "@modreg/core";',
        'import { toTsyringe } from "@modreg/core/tsyringe";',
        "",
        "export const bridge = (app: Container): unknown => toTsyringe(app, { register: () => undefined });",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            noEmit: true,
            // TypeScript's own lib files are not ours to check (and take most of the time);
            // every other declaration file, core's included, is checked.
            skipDefaultLibCheck: true,
            types: [],
            ...(mode === "legacy" ? { experimentalDecorators: true } : {}),
          },
          include: ["src"],
        },
        null,
        2,
      ),
    );
    const generated = run(
      join(root, "node_modules", ".bin", "modreg"),
      ["generate", "--project", "tsconfig.json", "--out", "src/modules.generated.ts"],
      { cwd: dir },
    );
    expect(generated.status, describeRun(generated)).toBe(0);
  }
}, 600_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(Object.keys(COMPILERS) as Compiler[])("TypeScript %s", (compiler) => {
  it.each(["standard", "legacy"] as const)(
    "type-checks a strict consumer and its generated manifest with %s decorators, without skipLibCheck",
    (mode) => {
      const { alias, bin } = COMPILERS[compiler];
      const checked = run(process.execPath, [join(root, "node_modules", alias, bin), "-p", "tsconfig.json"], {
        cwd: appDir(mode),
      });
      expect(checked.status, describeRun(checked)).toBe(0);
      expect(checked.stdout).toBe("");
    },
  );
});
