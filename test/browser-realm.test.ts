import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInContext, createContext } from "node:vm";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, modreg } from "./support/run.js";
import { copyFixture, removeDir } from "./support/workdir.js";

// @modreg/core in a realm without Node: the toolchain app bundled by esbuild for
// `platform: "browser"` and run in a `vm` context that has only what a browser page or an
// extension's service worker has (console, timers, performance), no `process`, `require`
// or `Buffer`. A class decorated outside the manifest's `include` makes the stale-manifest
// warning fire, which must reach `console.warn`.
let dir = "";
let bundle = "";
let warnings: string[] = [];

beforeAll(async () => {
  dir = copyFixture("toolchain-app");
  const generated = modreg(
    [
      "generate",
      "--project",
      "tsconfig.json",
      "--out",
      "src/modules.generated.ts",
      "--exclude",
      "src/late.ts",
    ],
    { cwd: dir },
  );
  expect(generated.status, describeRun(generated)).toBe(0);
  writeFileSync(
    join(dir, "src", "late.ts"),
    'import { Module } from "@modreg/core";\n\n@Module()\nexport class Late {}\n',
  );
  writeFileSync(
    join(dir, "src", "browser.ts"),
    [
      'import { Late } from "./late.js";',
      'import { runApp } from "./app.js";',
      "",
      'const globals = ["process", "require", "Buffer"].map((name) => name in globalThis).join(",");',
      "(globalThis as { done?: Promise<void> }).done = runApp().then((line) => {",
      "  console.log(`${globals} ${Late.name} ${line}`);",
      "});",
      "",
    ].join("\n"),
  );
  const result = await build({
    entryPoints: [join(dir, "src", "browser.ts")],
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    target: "es2022",
    logLevel: "silent",
  });
  bundle = result.outputFiles[0]!.text;
  warnings = result.warnings.map((w) => w.text);
}, 120_000);
afterAll(() => removeDir(dir));

describe("@modreg/core in a browser-like realm", () => {
  it("bundles for platform browser with no warning (no Node built-in is imported)", () => {
    expect(warnings).toEqual([]);
    expect(bundle.length).toBeGreaterThan(0);
  });

  it("starts the app with no process, require or Buffer, and warns through console.warn", async () => {
    const logs: string[] = [];
    const warned: string[] = [];
    const context = createContext({
      console: {
        log: (...args: unknown[]) => logs.push(args.join(" ")),
        warn: (...args: unknown[]) => warned.push(args.join(" ")),
        error: (...args: unknown[]) => warned.push(args.join(" ")),
      },
      performance: { now: () => Date.now() },
      setTimeout,
      clearTimeout,
      queueMicrotask,
    });
    runInContext(bundle, context, { filename: "bundle.js" });
    await (context as { done: Promise<void> }).done;
    expect(logs).toEqual([
      "false,false,false Late standard decorators: job for acme (db up); formats csv,pdf; audit 1; region eu; log: database connected | report for acme",
    ]);
    expect(warned).toEqual([expect.stringMatching(/^MODREG_WARNING class Late is decorated with @Module/)]);
  });
});
