/**
 * `modreg init`: sets modreg up in an existing project. Shows every change first (a diff per
 * file), then applies it with `--yes` or after a "y" on a terminal; without a terminal or with
 * `--dry-run` it only shows. It only edits package.json and the tsconfig, and only creates
 * files that do not exist.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { error, isConfigDiagnostic, type Diagnostic } from "../diagnostics.js";
import { readIfExists, writeAllOrNone, type WriteFailure } from "../files.js";
import { createGenerator } from "../generate.js";
import type { CommandLine } from "./args.js";
import { paint, shouldColor } from "./color.js";
import { unifiedDiff } from "../migrate/diff.js";
import { planInit, type InitPlan } from "./init-plan.js";
import { JsoncError, readJsonc } from "./jsonc.js";
import type { CliIO } from "./main.js";

const EXAMPLE = "src/greeter.ts";

/** Runs `modreg init` in `io.cwd`; resolves to the exit code. */
export async function init(
  args: CommandLine,
  io: CliIO,
  printDiagnostics: (diagnostics: readonly Diagnostic[], projectDir: string) => number,
): Promise<number> {
  const dir = io.cwd;
  const packageJson = readIfExists(path.join(dir, "package.json"));
  const packageProblem = checkPackageJson(packageJson);
  if (packageProblem !== undefined) {
    printDiagnostics([packageProblem], dir);
    return 2;
  }
  const tsconfigFile = path.resolve(dir, args.project ?? "tsconfig.json");
  const tsconfig = readIfExists(tsconfigFile);
  const projectDir = path.dirname(tsconfigFile);
  let unloweredDecorators = false;
  let hasModules: boolean;
  if (tsconfig !== undefined) {
    const generator = createGenerator({ project: tsconfigFile, write: false });
    const result = generator.run();
    // TS18003, "no inputs": a project with no source file yet, which init is about to add
    const config = result.diagnostics.filter(
      (d) => isConfigDiagnostic(d) && !d.message.includes("(TS18003)"),
    );
    if (config.length > 0) {
      printDiagnostics(config, projectDir);
      io.stderr.write(`modreg: fix ${relative(dir, tsconfigFile)} first, then run \`modreg init\` again\n`);
      return 2;
    }
    const emit = generator.lastScan?.decorators;
    unloweredDecorators =
      emit === undefined
        ? leavesDecoratorsUnlowered(tsconfigFile)
        : emit.mode === "standard" && emit.target === "ESNext";
    hasModules = (generator.lastScan?.modules.length ?? 0) > 0;
  } else hasModules = mentionsModule(path.join(projectDir, "src"));
  const example = path.join(projectDir, EXAMPLE);
  const run = `${packageManager(dir)} run`;
  const plan = planInit({
    packageJson: packageJson!,
    tsconfigPath: relative(dir, tsconfigFile),
    tsconfig,
    unloweredDecorators,
    hasModules,
    example: { path: relative(dir, example), exists: existsSync(example) },
    run,
  });

  if (plan.problems.length > 0) {
    printDiagnostics(plan.problems, dir);
    return 2;
  }
  const color = shouldColor(io.env ?? process.env, io.stdout.isTTY === true);
  io.stdout.write(describe(plan, color));
  if (plan.changes.length === 0) return 0;
  if (args.dryRun) {
    io.stdout.write("dry run: nothing changed\n");
    return 0;
  }
  if (!args.yes) {
    const stdin = io.stdin;
    if (stdin?.isTTY !== true || io.stdout.isTTY !== true) {
      io.stdout.write("nothing changed: run `modreg init --yes` to apply these changes\n");
      return 0;
    }
    const prompt = createInterface({ input: stdin, output: io.stdout as NodeJS.WritableStream });
    const answer = await prompt.question("Apply these changes? [y/N] ");
    prompt.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      io.stdout.write("nothing changed\n");
      return 0;
    }
  }
  const edits = plan.changes.map((c) => ({ file: path.join(dir, c.path), before: c.before, after: c.after }));
  const failure = writeAllOrNone(edits, { tag: "init", createDirectories: true });
  if (failure !== undefined) {
    printDiagnostics([writeProblem(failure, dir)], dir);
    return 2;
  }
  const generate = plan.changes.some((c) => c.after.includes('"modreg:generate"'))
    ? "modreg:generate"
    : "generate";
  io.stdout.write(`changed ${plan.changes.map((c) => c.path).join(", ")}. Next: ${run} ${generate}\n`);
  return 0;
}

/** `MR1007` when there is no package.json or it is not JSON. */
function checkPackageJson(text: string | undefined): Diagnostic | undefined {
  if (text === undefined)
    return error("MR1007", "no package.json in this directory: init adds its scripts there", undefined, {
      hint: "run `modreg init` in the project's root, or `npm init` first",
    });
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    let at = { line: 1, column: 1 };
    try {
      readJsonc(text); // JSONC is valid: a comment or a trailing comma, which package.json may not have
    } catch (jsonc) {
      if (jsonc instanceof JsoncError) at = jsonc;
    }
    return error(
      "MR1007",
      `package.json is not valid JSON (${(e as Error).message})`,
      { file: "package.json", line: at.line, column: at.column, length: 1 },
      { hint: "fix package.json (no comments or trailing commas), then run `modreg init` again" },
    );
  }
}

/** `MR1009`: a file changed between the plan and the write, or a write failed (all restored). */
function writeProblem(failure: WriteFailure, dir: string): Diagnostic {
  if (failure.kind === "stale") {
    const what = failure.edit.before === undefined ? "appeared" : "changed";
    return error(
      "MR1009",
      `${relative(dir, failure.edit.file)} ${what} after the plan was shown: nothing changed`,
      undefined,
      { hint: "run `modreg init` again" },
    );
  }
  const cause = failure.error instanceof Error ? failure.error.message : String(failure.error);
  return error("MR1009", `the changes could not be written (${cause}): every file is as it was`, undefined, {
    hint: "fix the cause (permissions, disk space), then run `modreg init` again",
  });
}

/** The plan as printed: per file, why and the diff; then the notes. */
export function describe(plan: InitPlan, color: boolean): string {
  const out: string[] = [];
  if (plan.changes.length === 0) out.push("modreg init: nothing to change");
  else
    out.push(
      `modreg init will change ${plan.changes.length === 1 ? "1 file" : `${plan.changes.length} files`}:`,
    );
  for (const change of plan.changes) {
    out.push("", `${paint(color, "bold", change.path)}${change.before === undefined ? " (new file)" : ""}`);
    for (const reason of change.reasons) out.push(`  ${reason}`);
    const diff = unifiedDiff(change.path, change.before, change.after).replace(/\n$/, "");
    for (const line of diff.split("\n").slice(2)) {
      const painted = line.startsWith("+")
        ? paint(color, "green", line)
        : line.startsWith("-")
          ? paint(color, "red", line)
          : line.startsWith("@@")
            ? paint(color, "cyan", line)
            : line;
      out.push(`  ${painted}`);
    }
  }
  if (plan.notes.length > 0) out.push("", ...plan.notes.map((note) => `note: ${note}`));
  return `${out.join("\n")}\n`;
}

/**
 * What the scan's `MR1003` check decides, read from the tsconfig's text (and the relative
 * `extends` it names) when nothing could be scanned yet: standard decorators under ESNext.
 */
function leavesDecoratorsUnlowered(tsconfigFile: string): boolean {
  const options = compilerOptionsOf(tsconfigFile, 0);
  return String(options["target"]).toLowerCase() === "esnext" && options["experimentalDecorators"] !== true;
}

function compilerOptionsOf(file: string, depth: number): Record<string, unknown> {
  let data: { extends?: unknown; compilerOptions?: unknown };
  try {
    data = readJsonc(readIfExists(file) ?? "{}") as typeof data;
  } catch {
    return {};
  }
  const base =
    typeof data.extends === "string" && data.extends.startsWith(".") && depth < 8
      ? compilerOptionsOf(
          path.resolve(
            path.dirname(file),
            data.extends.endsWith(".json") ? data.extends : `${data.extends}.json`,
          ),
          depth + 1,
        )
      : {};
  const own = typeof data.compilerOptions === "object" ? data.compilerOptions : {};
  return { ...base, ...own };
}

/** The package manager the project uses: `packageManager`, else the lockfile found walking up. */
function packageManager(dir: string): string {
  const declared = readIfExists(path.join(dir, "package.json"));
  const field = declared && (JSON.parse(declared) as { packageManager?: unknown }).packageManager;
  if (typeof field === "string") {
    const name = field.split("@")[0]!;
    if (["npm", "pnpm", "yarn", "bun"].includes(name)) return name;
  }
  const locks: readonly [string, string][] = [
    ["pnpm-lock.yaml", "pnpm"],
    ["yarn.lock", "yarn"],
    ["bun.lock", "bun"],
    ["bun.lockb", "bun"],
    ["package-lock.json", "npm"],
  ];
  for (let at = dir; ; at = path.dirname(at)) {
    const found = locks.find(([file]) => existsSync(path.join(at, file)));
    if (found) return found[1];
    if (path.dirname(at) === at) return "npm";
  }
}

/** Whether a `.ts` file under `dir` mentions `@Module` (a project without a tsconfig yet). */
function mentionsModule(dir: string): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name !== "node_modules" && mentionsModule(file);
    return /\.[mc]?tsx?$/.test(entry.name) && readFileSync(file, "utf8").includes("@Module");
  });
}

function relative(from: string, file: string): string {
  return path.relative(from, file).split(path.sep).join("/");
}
