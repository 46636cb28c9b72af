import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { modreg } from "../src/index.js";

/** The codegen's two-entry fixture (background and content scripts sharing class names). */
const FIXTURE = fileURLToPath(new URL("../../codegen/test/fixtures/entries-shared-names/", import.meta.url));
const OUTS = ["src/background/modules.generated.ts", "src/content/modules.generated.ts"] as const;
const TMP = fileURLToPath(new URL("./.tmp/", import.meta.url));
mkdirSync(TMP, { recursive: true });
const work = mkdtempSync(path.join(TMP, "config-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the fixture without its generated files: the plugin must write them. */
function project(name: string): { dir: string; golden: string[] } {
  const dir = path.join(work, name);
  cpSync(FIXTURE, dir, { recursive: true });
  const golden = OUTS.map((out) => readFileSync(path.join(dir, out), "utf8"));
  for (const out of OUTS) rmSync(path.join(dir, out));
  return { dir, golden };
}

interface Hooks {
  buildStart(this: unknown): void;
  rollup: { closeWatcher(): void };
}

/** The plugin's hooks as Rollup calls them, for a production build. */
function build(options: Record<string, unknown>): () => void {
  const hooks = modreg.raw(options, { framework: "rollup", versions: {} } as never) as unknown as Hooks;
  const warnings: unknown[] = [];
  return () => hooks.buildStart.call({ warn: (w: unknown) => warnings.push(w), meta: { watchMode: false } });
}

describe("the plugin with a modreg.config.json", () => {
  it("writes every entry's manifest, the same files as the CLI, from the config beside the tsconfig", () => {
    const { dir, golden } = project("beside");
    build({ project: path.join(dir, "tsconfig.json") })();
    expect(OUTS.map((out) => readFileSync(path.join(dir, out), "utf8"))).toEqual(golden);
    expect(() => readFileSync(path.join(dir, "src", "modules.generated.ts"))).toThrow(/ENOENT/);
  });

  it("reads the config named by `config`, and only the `entries` named", () => {
    const { dir, golden } = project("named");
    const config = path.join(dir, "entries.json");
    cpSync(path.join(dir, "modreg.config.json"), config);
    rmSync(path.join(dir, "modreg.config.json"));
    build({ project: path.join(dir, "tsconfig.json"), config, entries: ["content"] })();
    expect(readFileSync(path.join(dir, OUTS[1]), "utf8")).toBe(golden[1]);
    expect(() => readFileSync(path.join(dir, OUTS[0]))).toThrow(/ENOENT/);
  });

  it("fails the build with the config's problem: an unknown entry, with a did-you-mean", () => {
    const { dir } = project("unknown-entry");
    expect(build({ project: path.join(dir, "tsconfig.json"), entries: ["contnet"] })).toThrow(
      /modreg\.config\.json: no entry named "contnet" \(did you mean "content"\?\)/,
    );
  });

  it("fails the build on an error in one entry, naming its file, and writes no manifest", () => {
    const { dir } = project("broken");
    writeFileSync(
      path.join(dir, "src/content/broken.ts"),
      'import { Module } from "@modreg/core";\n\n@Module()\nexport class Broken {\n  constructor(readonly name: string) {}\n}\n',
    );
    expect(build({ project: path.join(dir, "tsconfig.json") })).toThrow(
      /src\/content\/broken\.ts:5:\d+ - error MR2011/,
    );
    expect(() => readFileSync(path.join(dir, OUTS[1]))).toThrow(/ENOENT/);
  });

  it("regenerates each entry in watch mode, from one watcher", async () => {
    const { dir, golden } = project("watch");
    const hooks = modreg.raw({ project: path.join(dir, "tsconfig.json") }, {
      framework: "rollup",
      versions: {},
    } as never) as unknown as Hooks;
    hooks.buildStart.call({ meta: { watchMode: true } });
    try {
      expect(OUTS.map((out) => readFileSync(path.join(dir, out), "utf8"))).toEqual(golden);
      writeFileSync(
        path.join(dir, "src/shared/audit.ts"),
        'import { Module } from "@modreg/core";\n\n@Module({ id: "audit" })\nexport class Audit {}\n',
      );
      const deadline = Date.now() + 30_000;
      const both = () => OUTS.every((out) => readFileSync(path.join(dir, out), "utf8").includes('"audit"'));
      while (!both() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(both()).toBe(true);
    } finally {
      hooks.rollup.closeWatcher();
    }
  });

  it("follows an edit of modreg.config.json in watch mode, and keeps the entries through a broken one", async () => {
    const { dir } = project("watch-config");
    const hooks = modreg.raw({ project: path.join(dir, "tsconfig.json") }, {
      framework: "rollup",
      versions: {},
    } as never) as unknown as Hooks;
    const errors: string[] = [];
    const error = console.error;
    console.error = (message: string) => errors.push(message);
    hooks.buildStart.call({ meta: { watchMode: true } });
    const until = async (done: () => boolean): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(done()).toBe(true);
    };
    try {
      const config = path.join(dir, "modreg.config.json");
      const moved = path.join(dir, "src/content/registry.generated.ts");
      writeFileSync(
        config,
        readFileSync(config, "utf8").replace(OUTS[1], "src/content/registry.generated.ts"),
      );
      await until(() => existsSync(moved));
      expect(readFileSync(moved, "utf8")).toContain("export const manifest");

      writeFileSync(config, "{ entries: ");
      await until(() => errors.length > 0);
      expect(errors).toEqual([
        expect.stringMatching(/modreg\.config\.json: not valid JSON .*; keeping the previous entries$/),
      ]);
      writeFileSync(
        path.join(dir, "src/shared/audit.ts"),
        'import { Module } from "@modreg/core";\n\n@Module({ id: "audit" })\nexport class Audit {}\n',
      );
      await until(() => readFileSync(moved, "utf8").includes('"audit"'));
    } finally {
      console.error = error;
      hooks.rollup.closeWatcher();
    }
  });
});
