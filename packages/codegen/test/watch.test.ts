import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createGenerator, main } from "../src/index.js";
import { BIN, FIXTURES, REPO } from "./helpers.js";

const TMP = path.join(REPO, ".tmp");
mkdirSync(TMP, { recursive: true });
const work = mkdtempSync(path.join(TMP, "codegen-watch-"));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function copyFixture(name: string, as: string): string {
  const dir = path.join(work, as);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Edits a file in place. */
function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

describe("createGenerator reuse", () => {
  it("sees an edit after update() and rescans only what it affects", () => {
    const dir = copyFixture("basic", "reuse");
    const generator = createGenerator({ project: dir, write: false });
    const first = generator.run();
    expect(first.diagnostics).toEqual([]);
    edit(path.join(dir, "src/config.ts"), 'version: "1.4.0"', 'version: "0.9.0"');
    generator.update([path.join(dir, "src/config.ts")]);
    const second = generator.run();
    expect(second.diagnostics.map((d) => d.code)).toEqual(["MR3006"]);
    edit(path.join(dir, "src/config.ts"), 'version: "0.9.0"', 'version: "1.5.0"');
    generator.update([path.join(dir, "src/config.ts")]);
    const third = generator.run();
    expect(third.diagnostics).toEqual([]);
    expect(third.code).toBe(first.code.replace('"version":"1.4.0"', '"version":"1.5.0"'));
    // a new file joins the program
    writeFileSync(
      path.join(dir, "src/audit.ts"),
      'import { Module } from "@modreg/core";\n\n@Module({ id: "audit" })\nexport class Audit {}\n',
    );
    generator.update([path.join(dir, "src/audit.ts")]);
    expect(generator.run().manifest.modules.map((m) => m.id)).toContain("audit");
    rmSync(path.join(dir, "src/audit.ts"));
    generator.update([path.join(dir, "src/audit.ts")]);
    expect(generator.run().manifest.modules.map((m) => m.id)).not.toContain("audit");
  });
});

describe("modreg generate --watch", () => {
  it("regenerates on change, keeps running through errors, and says how long each run took", async () => {
    const dir = copyFixture("runtime", "cli");
    const child = spawn(process.execPath, [BIN, "generate", "--watch"], { cwd: dir });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const waitFor = async (pattern: RegExp, from: () => string): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (!pattern.test(from())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}:\n${from()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await waitFor(/watching for changes/, () => stdout);
      expect(stdout).toMatch(/\[modreg\] generated in \d+ ms \(7 modules\)/);
      const config = path.join(dir, "src/config.ts");
      edit(config, 'version: "1.2.0"', 'version: "3.0.0"');
      await waitFor(/MR3006/, () => stderr);
      await waitFor(/errors: nothing written/, () => stdout);
      expect(readFileSync(path.join(dir, "src/modules.generated.ts"), "utf8")).toContain('"version":"1.2.0"');
      edit(config, 'version: "3.0.0"', 'version: "1.3.0"');
      await waitFor(/regenerated after src\/config\.ts in \d+ ms \(7 modules\): wrote/, () => stdout);
      expect(readFileSync(path.join(dir, "src/modules.generated.ts"), "utf8")).toContain('"version":"1.3.0"');
    } finally {
      child.kill("SIGINT");
    }
  });
});

describe("incremental validation after an edit", () => {
  const IMPORT = 'import { Module } from "@modreg/core";\n';
  const files: Record<string, string> = {
    "src/log.ts": `${IMPORT}export interface Log { line(text: string): void }\n@Module({ id: "console-log" })\nexport class ConsoleLog implements Log { line(): void {} }\n`,
    "src/config.ts": `${IMPORT}@Module({ id: "config" })\nexport class Config {}\n`,
    "src/service.ts": `${IMPORT}import type { Log } from "./log.js";\nimport { Config } from "./config.js";\n@Module({ id: "service", dependencies: ["audit"] , optionalDependencies: ["extra"] })\nexport class Service {\n  constructor(readonly log: Log, readonly config: Config) {}\n}\n`,
    "src/audit.ts": `${IMPORT}@Module({ id: "audit" })\nexport class Audit {}\n`,
  };
  // each edit changes what an untouched module's lookups answer: its resolution cannot be reused
  const edits: [file: string, text: string][] = [
    [
      "src/file-log.ts",
      `${IMPORT}import type { Log } from "./log.js";\n@Module({ id: "file-log" })\nexport class FileLog implements Log { line(): void {} }\n`,
    ],
    [
      "src/file-log.ts",
      `${IMPORT}import type { Log } from "./log.js";\n@Module({ id: "file-log", primary: true })\nexport class FileLog implements Log { line(): void {} }\n`,
    ],
    ["src/file-log.ts", "export const nothing = 1;\n"],
    ["src/config.ts", `${IMPORT}@Module({ id: "settings" })\nexport class Config {}\n`],
    ["src/audit.ts", "export const gone = true;\n"],
    [
      "src/audit.ts",
      `${IMPORT}@Module({ id: "audit" })\nexport class Audit {}\n@Module({ id: "extra" })\nexport class Extra {}\n`,
    ],
    ["src/config.ts", `${IMPORT}@Module({ id: "audit" })\nexport class Config {}\n`],
    ["src/config.ts", `${IMPORT}@Module({ id: "config" })\nexport class Config {}\n`],
  ];

  it("gives what a fresh generator gives, edit after edit", () => {
    const dir = path.join(work, "incremental");
    mkdirSync(path.join(dir, "src"), { recursive: true });
    cpSync(path.join(FIXTURES, "runtime", "tsconfig.json"), path.join(dir, "tsconfig.json"));
    writeFileSync(
      path.join(dir, "package.json"),
      '{"name": "fx-incremental", "private": true, "type": "module"}',
    );
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const watching = createGenerator({ project: dir, write: false });
    const codes = [watching.run().diagnostics.map((d) => d.code)];
    for (const [name, text] of edits) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      watching.update([file]);
      const incremental = watching.run();
      const fresh = createGenerator({ project: dir, write: false }).run();
      expect(incremental.diagnostics).toEqual(fresh.diagnostics);
      expect(incremental.code).toBe(fresh.code);
      codes.push(incremental.diagnostics.map((d) => d.code));
    }
    // the edits did reach the graph: an ambiguity and its fix by primary, a removed id, a duplicate id
    expect(codes).toEqual([[], ["MR3004"], [], [], [], ["MR3002"], [], ["MR3001"], []]);
  }, 60_000);

  it("writes what a fresh generator writes through version, scope, cycle and tenant edits", () => {
    const dir = path.join(work, "incremental-graph");
    mkdirSync(path.join(dir, "src"), { recursive: true });
    cpSync(path.join(FIXTURES, "runtime", "tsconfig.json"), path.join(dir, "tsconfig.json"));
    writeFileSync(path.join(dir, "package.json"), '{"name": "fx-graph", "private": true, "type": "module"}');
    const module = (options: string, name: string, params = "", imports = "") =>
      `${IMPORT}${imports}@Module(${options})\nexport class ${name} {\n  constructor(${params}) {}\n}\n`;
    /** `src/api.ts`: Api, taking the Cache. */
    const api = (options: string) =>
      module(options, "Api", "readonly cache: Cache", 'import { Cache } from "./cache.js";\n');
    const start: Record<string, string> = {
      "src/store.ts": module('{ id: "store", version: "1.2.0" }', "Store"),
      "src/cache.ts": module(
        '{ id: "cache", dependencies: ["store@^1.0.0"] }',
        "Cache",
        "readonly store: Store",
        'import { Store } from "./store.js";\n',
      ),
      "src/api.ts": api('{ id: "api" }'),
    };
    for (const [name, text] of Object.entries(start)) writeFileSync(path.join(dir, name), text);
    const storeWith = (params: string, options = '{ id: "store", version: "1.2.0" }') =>
      module(options, "Store", params, 'import type { Api } from "./api.js";\n');
    const edits: [file: string, text: string | undefined][] = [
      // a version the range no longer allows, then one it does
      ["src/store.ts", storeWith("", '{ id: "store", version: "2.0.0" }')],
      ["src/store.ts", storeWith("", '{ id: "store", version: "1.3.0" }')],
      // a cycle store -> api -> cache -> store, then closed again, then the same edges at other lines
      ["src/store.ts", storeWith("readonly api: Api")],
      ["src/store.ts", storeWith("")],
      ["src/store.ts", `\n\n${storeWith("")}`],
      // a scoped module a singleton holds (captive), then both scoped
      ["src/store.ts", storeWith("", '{ id: "store", version: "1.2.0", scope: "scoped" }')],
      [
        "src/cache.ts",
        module(
          '{ id: "cache", scope: "scoped", dependencies: ["store@^1.0.0"] }',
          "Cache",
          "readonly store: Store",
          'import { Store } from "./store.js";\n',
        ),
      ],
      ["src/api.ts", api('{ id: "api", scope: "scoped" }')],
      // a shared module depending on a tenant module
      ["src/store.ts", storeWith("", '{ id: "store", version: "1.2.0", scope: "scoped", tenant: true }')],
      ["src/store.ts", storeWith("", '{ id: "store", version: "1.2.0", scope: "scoped" }')],
      // a module added, its id changed, a dependency on it, then removed
      ["src/audit.ts", module('{ id: "audit", version: "0.1.0" }', "Audit")],
      ["src/audit.ts", module('{ id: "audit-log", version: "0.1.0" }', "Audit")],
      ["src/api.ts", api('{ id: "api", scope: "scoped", dependencies: ["audit-log@^0.1.0"] }')],
      ["src/audit.ts", undefined],
      ["src/api.ts", api('{ id: "api", scope: "scoped" }')],
    ];
    const out = path.join(dir, "src", "modules.generated.ts");
    const watching = createGenerator({ project: dir });
    const codes = [watching.run().diagnostics.map((d) => d.code)];
    for (const [name, text] of edits) {
      const file = path.join(dir, name);
      if (text === undefined) rmSync(file);
      else writeFileSync(file, text);
      watching.update([file]);
      const incremental = watching.run();
      const fresh = createGenerator({ project: dir, write: false }).run();
      expect(incremental.diagnostics).toEqual(fresh.diagnostics);
      expect(incremental.manifest).toEqual(fresh.manifest);
      expect(incremental.code).toBe(fresh.code);
      if (incremental.diagnostics.every((d) => d.severity !== "error"))
        expect(readFileSync(out, "utf8")).toBe(fresh.code);
      codes.push(incremental.diagnostics.map((d) => d.code));
    }
    expect(codes).toEqual([
      [],
      ["MR3006"],
      [],
      ["MR3005"],
      [],
      [],
      ["MR3010"],
      ["MR3010"],
      [],
      ["MR3016", "MR3016"],
      [],
      [],
      [],
      [],
      ["MR3002"],
      [],
    ]);
  }, 60_000);
});

describe("createGenerator output under --watch", () => {
  it("rewrites the generated file when someone else changed or removed it between runs", () => {
    const dir = copyFixture("basic", "rewrite");
    const out = path.join(dir, "src", "modules.generated.ts");
    const generator = createGenerator({ project: dir });
    const code = generator.run().code;
    expect(readFileSync(out, "utf8")).toBe(code);
    // same size, other text: the previous write's text no longer describes the file
    writeFileSync(out, code.replace("formatVersion: 1", "formatVersion: 2"));
    expect(generator.run().written).toEqual([out]);
    expect(readFileSync(out, "utf8")).toBe(code);
    rmSync(out);
    expect(generator.run().written).toEqual([out]);
    expect(readFileSync(out, "utf8")).toBe(code);
    expect(generator.run().written).toEqual([]);
  });

  it("finds a cycle closed by a new module whose id an edge already named (--external)", () => {
    const dir = path.join(work, "external-cycle");
    mkdirSync(path.join(dir, "src"), { recursive: true });
    cpSync(path.join(FIXTURES, "runtime", "tsconfig.json"), path.join(dir, "tsconfig.json"));
    writeFileSync(path.join(dir, "package.json"), '{"name": "fx-ext", "private": true, "type": "module"}');
    const IMPORT = 'import { Module } from "@modreg/core";\n';
    writeFileSync(
      path.join(dir, "src/api.ts"),
      `${IMPORT}@Module({ id: "api", dependencies: ["host"] })\nexport class Api {}\n`,
    );
    writeFileSync(
      path.join(dir, "src/other.ts"),
      `${IMPORT}@Module({ id: "other" })\nexport class Other {}\n`,
    );
    const options = { project: dir, write: false, external: ["host"] } as const;
    const watching = createGenerator(options);
    expect(watching.run().diagnostics).toEqual([]);
    const host = path.join(dir, "src/host.ts");
    writeFileSync(host, `${IMPORT}@Module({ id: "host", dependencies: ["api"] })\nexport class Host {}\n`);
    watching.update([host]);
    const incremental = watching.run();
    expect(incremental.diagnostics.map((d) => d.code)).toEqual(["MR3005"]);
    expect(incremental.diagnostics).toEqual(createGenerator(options).run().diagnostics);
  });
});

describe("modreg generate --watch with several entries (modreg.config.json)", () => {
  it("regenerates each entry from its own files, and both after an edit of a shared file", async () => {
    const dir = copyFixture("entries-shared-names", "entries");
    const background = path.join(dir, "src/background/modules.generated.ts");
    const content = path.join(dir, "src/content/modules.generated.ts");
    const before = { background: readFileSync(background, "utf8"), content: readFileSync(content, "utf8") };
    let stdout = "";
    let stderr = "";
    const stop = new AbortController();
    const exit = main(["generate", "--watch"], {
      cwd: dir,
      stdout: { write: (text: string | Uint8Array) => (stdout += String(text)) },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      signal: stop.signal,
    });
    const waitFor = async (pattern: RegExp): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${String(pattern)}:\n${stdout}${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await waitFor(/watching for changes/);
      expect(stdout).toMatch(
        /generated in \d+ ms \(4 modules\): src\/background\/modules\.generated\.ts unchanged/,
      );
      expect(stdout).toMatch(
        /generated in \d+ ms \(4 modules\): src\/content\/modules\.generated\.ts unchanged/,
      );

      // a module in the background's own files: only its manifest changes
      writeFileSync(
        path.join(dir, "src/background/audit.ts"),
        'import { Module } from "@modreg/core";\n\n@Module({ id: "audit" })\nexport class Audit {}\n',
      );
      await waitFor(
        /regenerated after src\/background\/audit\.ts in \d+ ms \(5 modules\): wrote src\/background/,
      );
      await waitFor(
        /regenerated after src\/background\/audit\.ts in \d+ ms \(4 modules\): src\/content\/\S+ unchanged/,
      );
      expect(readFileSync(background, "utf8")).toContain('"audit"');
      expect(readFileSync(content, "utf8")).toBe(before.content);

      // a module in the shared files: both manifests change
      edit(
        path.join(dir, "src/shared/tab-presenter.ts"),
        "@Module()\nexport class Settings",
        '@Module({ id: "settings-v2" })\nexport class Settings',
      );
      await waitFor(
        /regenerated after src\/shared\/tab-presenter\.ts in \d+ ms \(5 modules\): wrote src\/background/,
      );
      await waitFor(
        /regenerated after src\/shared\/tab-presenter\.ts in \d+ ms \(4 modules\): wrote src\/content/,
      );
      expect(readFileSync(background, "utf8")).toContain('"settings-v2"');
      expect(readFileSync(content, "utf8")).toContain('"settings-v2"');
      expect(stderr).toBe("");

      // an edit of modreg.config.json itself: its entries as they now are
      const config = path.join(dir, "modreg.config.json");
      const entries = readFileSync(config, "utf8");
      writeFileSync(
        config,
        entries.replace("src/content/modules.generated.ts", "src/content/registry.generated.ts"),
      );
      await waitFor(
        /reloaded modreg\.config\.json, generated in \d+ ms \(4 modules\): wrote src\/content\/registry\.generated\.ts/,
      );
      expect(readFileSync(path.join(dir, "src/content/registry.generated.ts"), "utf8")).toContain(
        '"settings-v2"',
      );

      // a broken config is reported, and the previous entries keep working
      writeFileSync(config, "{ entries: ");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stderr).toMatch(
        /^\[modreg\] modreg\.config\.json: not valid JSON \(.*\); keeping the previous entries\n$/,
      );
      edit(path.join(dir, "src/shared/tab-presenter.ts"), '"settings-v2"', '"settings-v3"');
      await waitFor(
        /regenerated after src\/shared\/tab-presenter\.ts in \d+ ms \(4 modules\): wrote src\/content\/registry/,
      );
      expect(readFileSync(path.join(dir, "src/content/registry.generated.ts"), "utf8")).toContain(
        '"settings-v3"',
      );
    } finally {
      stop.abort();
    }
    expect(await exit).toBe(0);
  });
});
