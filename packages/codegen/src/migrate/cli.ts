/** `modreg migrate`: runs the migration, prints the diff (`--dry-run`) or writes, then the summary. */
import path from "node:path";
import { isConfigDiagnostic } from "../diagnostics.js";
import { resolveTsconfig } from "../generate.js";
import type { CommandLine } from "../cli/args.js";
import { formatDiagnostics } from "../cli/format.js";
import { colorOn, EXIT, type CliIO } from "../cli/main.js";
import { unifiedDiff } from "./diff.js";
import { migrate, writeMigration, type MigrateResult, type MigrateSource } from "./migrate.js";

const SOURCES: readonly MigrateSource[] = ["tsyringe", "inversify"];

export function runMigrate(args: CommandLine, io: CliIO): number {
  const from = args.from;
  if (from === undefined || !(SOURCES as readonly string[]).includes(from)) {
    const got = from === undefined ? "missing" : `got "${from}"`;
    io.stderr.write(
      `modreg: --from must be tsyringe or inversify (${got})\nRun \`modreg migrate --help\` for usage.\n`,
    );
    return EXIT.usage;
  }
  const project = resolveTsconfig(path.resolve(io.cwd, args.project ?? "tsconfig.json"));
  const result = migrate({ project, from: from as MigrateSource });
  const format = { projectDir: result.projectDir, cwd: io.cwd, color: colorOn(io) };
  if (result.diagnostics.some(isConfigDiagnostic)) {
    io.stderr.write(formatDiagnostics(result.diagnostics, format));
    return EXIT.usage;
  }
  // printed before writing: the excerpts show the lines as they were
  if (result.diagnostics.length > 0) io.stderr.write(formatDiagnostics(result.diagnostics, format));
  if (args.dryRun) {
    for (const change of result.changes) {
      io.stdout.write(unifiedDiff(relative(result, change.file), change.before, change.after));
    }
  } else {
    const failed = writeMigration(result);
    if (failed.length > 0) {
      io.stderr.write(formatDiagnostics(failed, format));
      return EXIT.diagnostics;
    }
  }
  io.stdout.write(summary(result, args.dryRun));
  return EXIT.ok;
}

/** What was converted (counted by kind), what changed, and what was left (with why, listed above). */
export function summary(result: MigrateResult, dryRun: boolean): string {
  const kinds = new Map<string, number>();
  for (const { what } of result.converted) {
    const kind = what.startsWith("class")
      ? "classes"
      : what.startsWith("parameter")
        ? "parameters"
        : "bindings";
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const counts = ["classes", "parameters", "bindings"]
    .map((k) => `${String(kinds.get(k) ?? 0)} ${k}`)
    .join(", ");
  const approximated = result.diagnostics.filter((d) => d.code === "MR2024").length;
  const left = result.diagnostics.length - approximated;
  const files = result.changes.map(
    (c) => `  ${c.before === undefined ? "new" : "changed"} ${relative(result, c.file)}`,
  );
  const lines = [
    `modreg migrate${dryRun ? " (dry run: nothing written)" : ""}: converted ${counts}`,
    `${dryRun ? "would change" : "changed"} ${String(result.changes.length)} file(s)${files.length > 0 ? ":" : ""}`,
    ...files,
    `left ${String(left)} construct(s) as they were${left > 0 ? " (listed above with file:line and why)" : ""}`,
  ];
  if (approximated > 0)
    lines.push(`converted ${String(approximated)} with a difference in behaviour (MR2024, listed above)`);
  if (!dryRun && result.changes.length > 0)
    lines.push("next: run `modreg generate`, then type-check and run your tests");
  return `${lines.join("\n")}\n`;
}

function relative(result: MigrateResult, file: string): string {
  return path.relative(result.projectDir, file).split(path.sep).join("/");
}
