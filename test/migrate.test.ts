import { afterAll, describe, expect, it } from "vitest";
import { describeRun, modreg, node, tsc, tsx } from "./support/run.js";
import { copyFixture, removeDir } from "./support/workdir.js";

// `modreg migrate` end to end: a small tsyringe app and a small InversifyJS app (interface
// tokens, named bindings, multi-injection, delay/LazyServiceIdentifier, optional, scopes, the
// composition root) run as written (tsc with emitDecoratorMetadata, then node), are migrated,
// generated, type-checked with tsc and run under tsx, printing exactly what they printed before.
// Nothing is edited by hand: the migration leaves nothing to list for these two.
const APPS = {
  tsyringe: ["hello Ada; plugins csv,pdf", "log: greeted Ada; same report: true"],
  inversify: ["cut+throw with [hook,rope] at 7, shield 3", "same ninja: true; clocks: 1"],
} as const;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.each(Object.keys(APPS) as (keyof typeof APPS)[])("migrating the %s app", (from) => {
  it("runs as before with nothing left by hand", () => {
    const dir = copyFixture(`migrate-${from}`);
    dirs.push(dir);
    const built = tsc(["-p", "tsconfig.json"], { cwd: dir });
    expect(built.status, describeRun(built)).toBe(0);
    const before = node("dist/main.js", [], { cwd: dir });
    expect(before.status, describeRun(before)).toBe(0);
    expect(before.stdout.trim().split("\n")).toEqual(APPS[from]);

    const migrated = modreg(["migrate", "--from", from], { cwd: dir });
    expect(migrated.status, describeRun(migrated)).toBe(0);
    expect(migrated.stdout).toMatch(/^left 0 construct\(s\) as they were$/m);
    expect(migrated.stderr).toBe("");
    const generated = modreg(["generate"], { cwd: dir });
    expect(generated.status, describeRun(generated)).toBe(0);
    const checked = tsc(["-p", "tsconfig.json", "--noEmit"], { cwd: dir });
    expect(checked.status, describeRun(checked)).toBe(0);
    const after = tsx(["src/main.ts"], { cwd: dir });
    expect(after.status, describeRun(after)).toBe(0);
    expect(after.stdout.trim().split("\n")).toEqual(APPS[from]);
  });
});
