/**
 * Codegen scale: the real `modreg` CLI over synthetic projects of 1,000 and 10,000 modules,
 * against `tsc --noEmit` on the same sources, plus `--watch` regeneration after editing one
 * file, and one run over a real-world tree the generator did not write. Every figure comes
 * from a child process: wall time measured here, peak RSS from `/usr/bin/time`.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { noteFailure } from "./check.ts";
import { GENERATED_DIR } from "./graphs.ts";
import { formatBytes, median, table } from "./report.ts";
import { writeSyntheticProject, type SyntheticProject } from "./synthetic.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

export interface CodegenOptions {
  readonly sizes: readonly number[];
  readonly runs: number;
  readonly watchEdits: number;
  /** Also boot the generated manifest in a child process (correctness of the output). */
  readonly bootGenerated: boolean;
  readonly realWorld: boolean;
}

export interface CodegenResult {
  readonly modules: number;
  readonly files: number;
  readonly generateMs?: number;
  readonly generateRss?: number;
  readonly tscMs?: number;
  readonly tscRss?: number;
  readonly watchMs?: number;
  /** `tsc --noEmit` on the same project once the generated manifest is part of it. */
  readonly tscWithManifestMs?: number;
  /** Size of the generated manifest file. */
  readonly manifestBytes?: number;
  readonly missing?: string;
}

interface Child {
  readonly ms: number;
  readonly rssBytes: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` under `/usr/bin/time` for its peak RSS; wall time measured here. */
function run(args: readonly string[], cwd: string): Child {
  const timed = existsSync("/usr/bin/time");
  const cmd = timed ? "/usr/bin/time" : process.execPath;
  const argv = timed ? ["-f", "BENCH_RSS_KB %M", process.execPath, ...args] : [...args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = /BENCH_RSS_KB (\d+)/.exec(r.stderr);
  return {
    ms,
    rssBytes: rss ? Number(rss[1]) * 1024 : Number.NaN,
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/BENCH_RSS_KB \d+\n?/, ""),
  };
}

/** The `modreg` bin of the built `@modreg/codegen`, or why it cannot be run. */
export function modregBin(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "packages", "codegen", "package.json"), "utf8")) as {
    bin?: Record<string, string>;
  };
  const rel = pkg.bin?.["modreg"];
  if (rel === undefined) throw new Error("@modreg/codegen declares no `modreg` bin");
  const bin = join(ROOT, "packages", "codegen", rel);
  if (!existsSync(bin)) throw new Error(`${rel} is not built (packages/codegen has no CLI yet)`);
  return bin;
}

function firstLines(text: string, n = 3): string {
  return text.trim().split("\n").slice(0, n).join(" / ");
}

/** Module ids in the `--json` graph, whatever its top-level shape. */
function moduleCount(jsonFile: string): number {
  const data = JSON.parse(readFileSync(jsonFile, "utf8")) as unknown;
  const list = Array.isArray(data) ? data : (data as { modules?: unknown }).modules;
  return Array.isArray(list) ? list.length : Number.NaN;
}

const seconds = (ms: number | undefined) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(2)} s`);

/** Edits one file while `--watch` runs; time until the manifest contains the new module. */
async function watchRegeneration(
  bin: string,
  p: SyntheticProject,
  edits: number,
  log: (line: string) => void,
): Promise<{ ms: number[]; printedMs: number[] }> {
  rmSync(p.out, { force: true });
  const child = spawn(
    process.execPath,
    [bin, "generate", "--project", p.tsconfig, "--out", p.out, "--watch"],
    {
      cwd: p.dir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const until = async (what: string, cond: () => boolean, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while (!cond()) {
      if (child.exitCode !== null)
        throw new Error(`watch exited (${child.exitCode}) waiting for ${what}: ${firstLines(output)}`);
      if (Date.now() > end) throw new Error(`watch: timed out waiting for ${what}: ${firstLines(output)}`);
      await sleep(2);
    }
  };
  const ms: number[] = [];
  const printed: string[] = [];
  try {
    await until("the first manifest", () => existsSync(p.out), 300_000);
    await sleep(1_000);
    for (let k = 0; k < edits; k++) {
      const id = `WatchEdit${k}`;
      const before = output.length;
      const size = statSync(p.out).size;
      const t0 = process.hrtime.bigint();
      appendFileSync(p.editable, `\n@Module({ version: "1.0.0" })\nexport class ${id} {}\n`);
      await until(
        `${id} in the manifest`,
        () => statSync(p.out).size !== size && readFileSync(p.out, "utf8").includes(id),
        60_000,
      );
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await sleep(500);
      printed.push(firstLines(output.slice(before), 2));
    }
  } finally {
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(3_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  log(`  - watch printed after each edit: ${printed.map((s) => JSON.stringify(s)).join(", ")}`);
  const printedMs = printed.flatMap((line) => {
    const m = /in (\d+(?:\.\d+)?) ?ms/.exec(line);
    return m ? [Number(m[1])] : [];
  });
  return { ms, printedMs };
}

export async function codegenScale(
  opts: CodegenOptions,
  log: (line: string) => void,
): Promise<CodegenResult[]> {
  let bin: string;
  try {
    bin = modregBin();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    log(`not measured: ${why}\n`);
    noteFailure("modreg generate", why);
    return opts.sizes.map((modules) => ({ modules, files: 0, missing: `not measured: ${why}` }));
  }
  const results: CodegenResult[] = [];
  const rows: string[][] = [];
  for (const size of opts.sizes) {
    const p = writeSyntheticProject(join(GENERATED_DIR, `codegen-${size}`), size);
    log(
      `- synthetic project: ${size.toLocaleString("en-US")} modules in ${p.files.toLocaleString("en-US")} files ` +
        `(${Object.entries(p.mix)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ")})`,
    );
    // The user's own tsc time first, without the generated file (a previous run may have left one).
    rmSync(p.out, { force: true });
    const tsc: Child[] = [];
    for (let r = 0; r < opts.runs; r++) tsc.push(run([TSC, "--noEmit", "-p", p.tsconfig], p.dir));
    const tscFailed = tsc.find((c) => c.status !== 0);
    if (tscFailed)
      log(`  ! tsc --noEmit reported errors on the synthetic project: ${firstLines(tscFailed.stdout)}`);

    const gen: Child[] = [];
    const json = join(p.dir, "graph.json");
    for (let r = 0; r < opts.runs; r++) {
      rmSync(p.out, { force: true });
      gen.push(run([bin, "generate", "--project", p.tsconfig, "--out", p.out, "--json", json], p.dir));
    }
    const failed = gen.find((c) => c.status !== 0);
    if (failed !== undefined) {
      const why = `modreg generate exited ${failed.status}: ${firstLines(failed.stderr || failed.stdout, 1)}`;
      log(`  ! ${why}`);
      noteFailure("modreg generate", why);
      results.push({ modules: size, files: p.files, missing: `not measured: ${why}` });
      rows.push([
        size.toLocaleString("en-US"),
        String(p.files),
        "—",
        "—",
        seconds(median(tsc.map((c) => c.ms))),
        "—",
        "—",
        "—",
      ]);
      continue;
    }
    const found = moduleCount(json);
    if (found !== size) {
      log(`  ! the manifest lists ${found} modules, the project has ${size}`);
      noteFailure("modreg generate", `the manifest lists ${found} of ${size} modules`);
    } else log(`  - manifest check: all ${found} modules listed in --json`);
    const manifestBytes = statSync(p.out).size;
    const tscWith: Child[] = [];
    for (let r = 0; r < opts.runs; r++) tscWith.push(run([TSC, "--noEmit", "-p", p.tsconfig], p.dir));
    const tscWithFailed = tscWith.find((c) => c.status !== 0);
    if (tscWithFailed) {
      const why = `tsc --noEmit fails once the generated manifest is in the project: ${firstLines(tscWithFailed.stdout)}`;
      log(`  ! ${why}`);
      noteFailure("modreg generate", why);
    }
    const tscWithManifestMs = median(tscWith.map((c) => c.ms));
    log(
      `  - generated file: ${formatBytes(manifestBytes)} (${(manifestBytes / size).toFixed(0)} B/module); ` +
        `tsc --noEmit with it ${seconds(tscWithManifestMs)}`,
    );

    if (opts.bootGenerated) {
      const runner = join(p.dir, "boot.ts");
      writeFileSync(
        runner,
        [
          'import { createContainer } from "@modreg/core";',
          'import { manifest } from "./src/modules.generated.js";',
          'const app = createContainer(manifest, { env: "production" });',
          "await app.start();",
          'const ready = app.modules().filter((m) => m.state === "ready").length;',
          "console.log(`BOOT ${app.modules().length} ${ready}`);",
          "",
        ].join("\n"),
      );
      const b = run([TSX, runner], p.dir);
      const m = /BOOT (\d+) (\d+)/.exec(b.stdout);
      if (m === null) noteFailure("modreg generated manifest", firstLines(b.stderr || b.stdout));
      log(
        m
          ? `  - generated manifest boots under tsx: ${m[1]} modules, ${m[2]} ready after start() (lazy and factory ones are built on use)`
          : `  ! the generated manifest did not boot: ${firstLines(b.stderr || b.stdout)}`,
      );
    }

    let watchMs: number | undefined;
    let watchNote = "";
    if (opts.watchEdits > 0) {
      try {
        const w = await watchRegeneration(bin, p, opts.watchEdits, log);
        watchMs = median(w.ms);
        watchNote =
          `each: ${w.ms.map((v) => v.toFixed(0)).join(", ")} ms` +
          (w.printedMs.length > 0 ? `; watch's own figure ${median(w.printedMs).toFixed(0)} ms` : "");
      } catch (e) {
        watchNote = `not measured: ${e instanceof Error ? e.message : String(e)}`;
        log(`  ! ${watchNote}`);
        noteFailure("modreg generate --watch", watchNote);
      }
    }
    const generateMs = median(gen.map((c) => c.ms));
    const tscMs = median(tsc.map((c) => c.ms));
    const result: CodegenResult = {
      modules: size,
      files: p.files,
      generateMs,
      generateRss: median(gen.map((c) => c.rssBytes)),
      tscMs,
      tscRss: median(tsc.map((c) => c.rssBytes)),
      ...(watchMs === undefined ? {} : { watchMs }),
      tscWithManifestMs,
      manifestBytes,
    };
    results.push(result);
    rows.push([
      size.toLocaleString("en-US"),
      String(p.files),
      seconds(generateMs),
      formatBytes(result.generateRss ?? Number.NaN),
      seconds(tscMs),
      formatBytes(result.tscRss ?? Number.NaN),
      `${(generateMs / tscMs).toFixed(2)}×`,
      watchMs === undefined ? watchNote || "—" : `${watchMs.toFixed(0)} ms (${watchNote})`,
    ]);
  }
  log(
    `### modreg generate vs tsc --noEmit (${opts.runs} run${opts.runs > 1 ? "s" : ""} each, medians)\n\n` +
      table(
        [
          "modules",
          "files",
          "generate",
          "peak RSS",
          "tsc --noEmit",
          "peak RSS",
          "generate / tsc",
          "watch: edit → manifest on disk (median)",
        ],
        rows,
        [7],
      ) +
      "\n",
  );
  if (opts.realWorld) realWorld(bin, log);
  return results;
}

/**
 * A tree modreg did not write: the TypeScript sources of typed-inject and the declaration
 * trees of three large installed packages, copied as-is. None declares a `@Module`, so this
 * shows what the codegen costs on ordinary code, next to tsc on the same tree.
 */
function realWorld(bin: string, log: (line: string) => void): void {
  const dir = join(GENERATED_DIR, "real-world");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  const pnpmDir = join(ROOT, "node_modules", ".pnpm");
  const sources: [string, string][] = [
    ["typed-inject/src", join(ROOT, "node_modules", "typed-inject", "src")],
    [
      "inversify-core",
      join(pnpmDir, "@inversifyjs+core@15.0.1_reflect-metadata@0.2.2/node_modules/@inversifyjs/core/lib"),
    ],
    [
      "ts-eslint-scope-manager",
      join(
        pnpmDir,
        "@typescript-eslint+scope-manager@8.73.0/node_modules/@typescript-eslint/scope-manager/dist",
      ),
    ],
    ["types-node", join(ROOT, "node_modules", "@types", "node")],
  ];
  const copied: string[] = [];
  for (const [name, from] of sources) {
    if (!existsSync(from)) continue;
    cpSync(from, join(dir, "src", name), {
      recursive: true,
      dereference: true,
      filter: (src) => statSync(src).isDirectory() || /\.ts$/.test(src),
    });
    copied.push(name);
  }
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "modreg-bench-real-world", private: true, type: "module" }) + "\n",
  );
  const tsconfig = join(dir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        // The declaration files are this tree's sources: have tsc check them too.
        skipLibCheck: false,
        types: [],
      },
      include: ["src"],
    }) + "\n",
  );
  const files = spawnSync("find", [join(dir, "src"), "-name", "*.ts"], { encoding: "utf8" })
    .stdout.trim()
    .split("\n").length;
  const out = join(dir, "modules.generated.ts");
  const gen = run([bin, "generate", "--project", tsconfig, "--out", out], dir);
  const tsc = run([TSC, "--noEmit", "-p", tsconfig], dir);
  log(
    `### real-world tree (not generated): ${copied.join(", ")} — ${files} .ts/.d.ts files, no @Module\n\n` +
      table(
        ["tool", "time", "peak RSS", "exit", "output"],
        [
          [
            "modreg generate",
            seconds(gen.ms),
            formatBytes(gen.rssBytes),
            String(gen.status),
            firstLines(gen.stderr || gen.stdout, 2) || "(nothing printed)",
          ],
          [
            "tsc --noEmit",
            seconds(tsc.ms),
            formatBytes(tsc.rssBytes),
            String(tsc.status),
            `${(tsc.stdout.match(/error TS/g) ?? []).length} type errors (copied trees miss their own dependencies)`,
          ],
        ],
        [4],
      ) +
      `\n\nmanifest written: ${existsSync(out) ? `yes, ${statSync(out).size} bytes` : "no"}\n`,
  );
}
