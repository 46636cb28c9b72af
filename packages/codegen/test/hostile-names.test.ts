import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, REPO } from "./helpers.js";

// The golden and strict type-check tests cover fixtures/hostile-names like every fixture; this
// one also starts its container: classes named like the generated file's own names (`r`, `a`,
// `_r`, `Manifest`, `token`, `ModuleRecord`), like the global types it spells tokens with
// (`NonNullable`, `ConstructorParameters`, `ReturnType`), like global values (`Promise`,
// `Object`), unicode and `$` names and file names.
describe("generated code never collides with user names", () => {
  it("starts the hostile-names fixture under tsx and resolves every module", () => {
    const dir = path.join(FIXTURES, "hostile-names");
    const run = spawnSync(path.join(REPO, "node_modules", ".bin", "tsx"), ["src/main.ts"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      "r 7 true x true hello grüß dich grüß dich boxed 42 hello boxed true ünï-cödé " +
        "NonNullable,ConstructorParameters,Parameters,ReturnType,ModuleRegistry,PromiseModule,ObjectModule\n",
    );
    expect(run.status).toBe(0);
  }, 60_000);
});
