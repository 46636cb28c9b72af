import { readFileSync } from "node:fs";
import path from "node:path";
import { isConfigDiagnostic, type Diagnostic } from "../diagnostics.js";
import { readIfExists } from "../files.js";
import type { GenerateResult, Generator, OutputOptions } from "../generate.js";
import { validate } from "../validate/validate.js";
import { parseArgs, UsageError, type CommandLine } from "./args.js";
import { shouldColor, type ColorEnv } from "./color.js";
import { commandHelp, overviewHelp } from "./commands.js";
import { configBeside, configuredOutputs } from "./config.js";
import { formatDiagnostics } from "./format.js";
import { graph, graphvizProblem } from "./graph.js";
import { watch } from "./watch.js";

/** Where the CLI reads and writes; `process` by default, replaceable in tests. */
export interface CliIO {
  readonly cwd: string;
  readonly stdout: { write(text: string | Uint8Array): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Where `modreg init` asks before changing files (only on a TTY). */
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Environment variables (`NO_COLOR`, `FORCE_COLOR`, `TERM`); `process.env` by default. */
  readonly env?: ColorEnv;
  /** Stops `--watch`. */
  readonly signal?: AbortSignal;
}

/** Exit codes of the contract. */
export const EXIT = { ok: 0, diagnostics: 1, usage: 2 } as const;

/**
 * Runs the `modreg` command line and resolves to its exit code; never exits the process.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let args: CommandLine;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const help = e.command === undefined ? "modreg --help" : `modreg ${e.command} --help`;
    io.stderr.write(`modreg: ${e.message}\nRun \`${help}\` for usage.\n`);
    return EXIT.usage;
  }
  if (args.command === "help") {
    io.stdout.write(args.helpFor === undefined ? overviewHelp() : commandHelp(args.helpFor));
    return EXIT.ok;
  }
  if (args.command === "version") {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (args.command === "init") {
    const { init } = await import("./init.js");
    return init(args, io, (diagnostics, projectDir) => printDiagnostics(diagnostics, projectDir, io));
  }
  const graphviz = args.command === "graph" ? graphvizProblem(args.format) : undefined;
  if (graphviz !== undefined) {
    io.stderr.write(`modreg: ${graphviz}\n`);
    return EXIT.usage;
  }
  if (args.command === "migrate") {
    const { runMigrate } = await import("../migrate/cli.js");
    return runMigrate(args, io);
  }
  const at = (p: string) => path.resolve(io.cwd, p);
  // loaded only now: ts-morph takes a while to import, and --help should not wait for it
  const { createGenerator, createGenerators, resolveTsconfig } = await import("../generate.js");
  const project = at(args.project ?? "tsconfig.json");
  let outputs: OutputOptions[] | undefined;
  try {
    outputs = configuredOutputs(args, resolveTsconfig(project), io.cwd);
    if (outputs !== undefined && outputs.length > 1 && args.command === "graph")
      throw new UsageError(
        `the config has ${outputs.length} entries: draw one with --entry ${outputs.map((o) => o.name!).join("|")}`,
        "graph",
      );
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`modreg: ${e.message}\nRun \`modreg ${args.command} --help\` for usage.\n`);
    return EXIT.usage;
  }
  const write = args.command === "generate" && !args.check;
  const generatorsFor = (configured: readonly OutputOptions[] | undefined): Generator[] =>
    configured === undefined
      ? [
          createGenerator({
            project,
            ...(args.out !== undefined && args.command !== "graph" && { out: at(args.out) }),
            ...(args.json !== undefined && { json: at(args.json) }),
            include: args.include,
            exclude: args.exclude,
            external: args.external,
            write,
          }),
        ]
      : createGenerators({
          project,
          outputs: configured.map((o) => ({ ...o, external: [...(o.external ?? []), ...args.external] })),
          write,
        });
  const generators = generatorsFor(outputs);
  if (args.command === "generate" && args.watch) {
    const tsconfig = resolveTsconfig(project);
    const file = args.config !== undefined ? at(args.config) : configBeside(tsconfig);
    const reopen = (): Generator[] => {
      outputs = configuredOutputs(args, tsconfig, io.cwd);
      return generatorsFor(outputs);
    };
    return watch(
      generators,
      io,
      report,
      outputs === undefined || file === undefined ? undefined : { file, reopen },
    );
  }
  const results = generators.map((g) => g.run());
  const first = results[0]!;
  // a config problem (the tsconfig) is the same for every output: reported once
  if (first.diagnostics.some(isConfigDiagnostic)) return report(first, io);
  if (args.command === "graph") {
    const printer = (diagnostics: readonly Diagnostic[]) =>
      printDiagnostics(diagnostics, first.projectDir, io);
    return graph(args, first, { ...io, color: colorOn(io), printDiagnostics: printer });
  }
  let code: number = EXIT.ok;
  results.forEach((result, i) => {
    const json = outputs === undefined ? args.json && at(args.json) : outputs[i]!.json;
    code = Math.max(code, finish(args, generators[i]!, result, io, json));
  });
  return code;
}

/** What `generate` or `check` says about one output, and its exit code. */
function finish(
  args: CommandLine,
  generator: Generator,
  result: GenerateResult,
  io: CliIO,
  /** The `--json` file (or the entry's `json`), checked with `--check`. */
  json: string | undefined,
): number {
  const code = report(result, io);
  if (code !== EXIT.ok) return code;
  if (args.command === "check") return check(args, generator.lastScan!, result, io);
  const shown = relative(io, result.out);
  const count = plural(result.manifest.modules.length, "module");
  if (args.check) {
    const stale = [
      [result.out, result.code] as const,
      ...(json ? [[json, result.json!] as const] : []),
    ].filter(([file, text]) => readIfExists(file) !== text);
    if (stale.length === 0) {
      io.stdout.write(`${shown} is up to date (${count})\n`);
      return EXIT.ok;
    }
    for (const [file] of stale)
      io.stderr.write(`${relative(io, file)} is out of date: run \`modreg generate\`\n`);
    return EXIT.diagnostics;
  }
  io.stdout.write(`${result.written.includes(result.out) ? "wrote" : "unchanged:"} ${shown} (${count})\n`);
  return EXIT.ok;
}

/** Prints diagnostics to stderr and picks the exit code they call for. */
export function report(result: GenerateResult, io: CliIO): number {
  if (process.env["MODREG_TIMINGS"] === "1") {
    const parts = Object.entries(result.timings).map(([stage, ms]) => `${stage} ${Math.round(ms)} ms`);
    io.stderr.write(`[modreg] ${parts.join(", ")}\n`);
  }
  return printDiagnostics(result.diagnostics, result.projectDir, io);
}

function printDiagnostics(diagnostics: readonly Diagnostic[], projectDir: string, io: CliIO): number {
  if (diagnostics.length === 0) return EXIT.ok;
  io.stderr.write(formatDiagnostics(diagnostics, { projectDir, cwd: io.cwd, color: colorOn(io) }));
  if (diagnostics.some(isConfigDiagnostic)) return EXIT.usage;
  return diagnostics.some((d) => d.severity === "error") ? EXIT.diagnostics : EXIT.ok;
}

function check(
  args: CommandLine,
  scan: NonNullable<Generator["lastScan"]>,
  result: GenerateResult,
  io: CliIO,
): number {
  let under = "";
  if (args.env !== undefined || args.features.length > 0) {
    const active = { ...(args.env !== undefined && { env: args.env }), features: args.features };
    const { diagnostics, manifest } = validate(scan, active);
    const code = printDiagnostics(diagnostics, result.projectDir, io);
    if (code !== EXIT.ok) return code;
    const activeIds = new Set(manifest.modules.map((m) => m.id));
    under = ` (${activeIds.size} checked under env=${args.env ?? "(none)"}${args.features.length > 0 ? ` features=${args.features.join(",")}` : ""})`;
  }
  io.stdout.write(`${plural(result.manifest.modules.length, "module")}, no problems${under}\n`);
  return EXIT.ok;
}

/** Whether stderr gets colours (`NO_COLOR`, `FORCE_COLOR`, a TTY). */
export function colorOn(io: CliIO): boolean {
  return shouldColor(io.env ?? process.env, io.stderr.isTTY === true);
}

function relative(io: CliIO, fileName: string): string {
  return path.relative(io.cwd, fileName).split(path.sep).join("/");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function processIO(): CliIO {
  return { cwd: process.cwd(), stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}
