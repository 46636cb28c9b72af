import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, modreg, node, tsc, tsx } from "./support/run.js";
import { copyFixture, removeDir } from "./support/workdir.js";

// The reason modreg exists: constructor injection under tsx (esbuild), which never emits
// `design:paramtypes`. tsyringe needs that metadata; modreg reads the types at build time.
describe("constructor injection without emitDecoratorMetadata", () => {
  let dir = "";
  beforeAll(() => {
    dir = copyFixture("headline");
  });
  afterAll(() => removeDir(dir));

  it("resolves under tsx with modreg", () => {
    const generated = modreg(
      ["generate", "--project", "tsconfig.json", "--out", "src/modules.generated.ts"],
      {
        cwd: dir,
      },
    );
    expect(generated.status, describeRun(generated)).toBe(0);

    const result = tsx(["src/modreg-app.ts"], { cwd: dir });
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout.trim()).toBe("Hello Ada, it is 09:30");
  });

  it('fails under tsx with tsyringe: "TypeInfo not known"', () => {
    const result = tsx(["src/tsyringe-app.ts"], { cwd: dir });
    expect(result.status, describeRun(result)).not.toBe(0);
    expect(result.stderr).toContain('TypeInfo not known for "Greeter"');
  });

  it("works with tsyringe only when plain tsc emits the metadata (control)", () => {
    const compiled = tsc(["-p", "tsconfig.metadata.json"], { cwd: dir });
    expect(compiled.status, describeRun(compiled)).toBe(0);
    const result = node("dist/tsyringe-app.js", [], { cwd: dir });
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout.trim()).toBe("Hello Ada, it is 09:30");
  });
});
