/**
 * Runs the real tools the way a user's shell would: the `modreg` bin of @modreg/codegen,
 * tsx, tsc and node, each as a child process, capturing exit code and output.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const examplesDir = join(repoRoot, "packages", "examples");

const require = createRequire(import.meta.url);

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Added to the environment (NO_COLOR and CI are always set so output is plain text). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Runs a command to completion; never throws on a non-zero exit. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", CI: "true", ...options.env },
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The `modreg` command line run in this process (`main` of the built @modreg/codegen, what
 * the bin calls), for tests about what a command prints rather than about the process:
 * saves a Node start and the ts-morph import per call.
 */
export async function modregInProcess(args: readonly string[], options: { cwd: string }): Promise<RunResult> {
  const { main } = await import("@modreg/codegen");
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    cwd: options.cwd,
    stdout: { write: (text: string | Uint8Array) => (stdout += String(text)) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: "1" },
  });
  return { status, stdout, stderr };
}

/** Runs a Node script file with the current Node binary. */
export function node(script: string, args: readonly string[] = [], options: RunOptions = {}): RunResult {
  return run(process.execPath, [script, ...args], options);
}

function binOf(packageName: string, binName: string): string {
  const manifestPath = require.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[binName];
  if (bin === undefined) throw new Error(`${packageName} declares no "${binName}" bin`);
  return join(dirname(manifestPath), bin);
}

/** The `modreg` CLI exactly as `npx modreg` would run it: the bin declared by @modreg/codegen. */
export function modreg(args: readonly string[], options: RunOptions = {}): RunResult {
  return node(binOf("@modreg/codegen", "modreg"), args, options);
}

export function tsx(args: readonly string[], options: RunOptions = {}): RunResult {
  return node(binOf("tsx", "tsx"), args, options);
}

export function tsc(args: readonly string[], options: RunOptions = {}): RunResult {
  return node(binOf("typescript", "tsc"), args, options);
}

/**
 * Compiles a fixture project with tsc (`src` to `dist`, emitting despite `noEmit` in its
 * tsconfig) and runs `dist/<entry>.js` with node: the app as plain JavaScript. Returns the
 * compiler's result when it fails.
 */
export function compileAndRun(dir: string, entry = "main", options: RunOptions = {}): RunResult {
  const compiled = tsc(["-p", "tsconfig.json", "--noEmit", "false", "--rootDir", "src", "--outDir", "dist"], {
    cwd: dir,
  });
  if (compiled.status !== 0) return compiled;
  return node(`dist/${entry}.js`, [], { ...options, cwd: dir });
}

/**
 * Type-checks the project in `dir`, then runs `src/main.ts` under tsx and compiled by tsc;
 * stops at the first run that fails. Every result, in that order, for the caller to assert.
 */
export function checkAndRunEverywhere(dir: string): RunResult[] {
  const runs: RunResult[] = [];
  for (const run of [
    () => tsc(["-p", "tsconfig.json"], { cwd: dir }),
    () => tsx(["src/main.ts"], { cwd: dir }),
    () => compileAndRun(dir),
  ]) {
    const result = run();
    runs.push(result);
    if (result.status !== 0) break;
  }
  return runs;
}

/** Output of a run, for assertion messages. */
export function describeRun(result: RunResult): string {
  return `exit ${String(result.status)}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}
