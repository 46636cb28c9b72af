import { readFileSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import type { Location } from "../records.js";
import { paint } from "./color.js";

/** How diagnostics are printed. */
export interface FormatOptions {
  /** Directory diagnostic files are relative to (the project's). */
  readonly projectDir: string;
  /** Directory printed paths are relative to. */
  readonly cwd: string;
  /** ANSI colours; the CLI decides with `shouldColor` (TTY, `NO_COLOR`, `FORCE_COLOR`). */
  readonly color: boolean;
}

/**
 * One diagnostic the way a compiler prints it:
 * `src/app.ts:12:5 - error MR3003: message`, the source line with a caret under the span,
 * then the dependency path, related locations and a hint.
 */
export function formatDiagnostic(
  diagnostic: Diagnostic,
  options: FormatOptions,
  lines = new SourceLines(),
): string {
  const { color } = options;
  const severity = paint(color, diagnostic.severity === "error" ? "red" : "yellow", diagnostic.severity);
  const where = diagnostic.location
    ? `${paint(color, "cyan", position(diagnostic.location, options))} - `
    : "";
  const out = [`${where}${severity} ${paint(color, "gray", diagnostic.code)}: ${diagnostic.message}`];
  if (diagnostic.location) out.push(...excerpt(diagnostic.location, options, lines));
  if (diagnostic.path && diagnostic.path.length > 1) out.push(`  path: ${diagnostic.path.join(" -> ")}`);
  for (const related of diagnostic.related ?? []) {
    out.push(`  ${paint(color, "cyan", position(related, options))} - ${related.message}`);
  }
  if (diagnostic.hint !== undefined) out.push(`  ${paint(color, "bold", "hint")}: ${diagnostic.hint}`);
  return out.join("\n");
}

/** Every diagnostic, a blank line apart, then the summary line. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const lines = new SourceLines();
  const blocks = diagnostics.map((d) => formatDiagnostic(d, options, lines));
  return `${[...blocks, formatSummary(diagnostics)].join("\n\n")}\n`;
}

/** `2 errors in 3 files`, `1 error and 1 warning in 1 file`. */
export function formatSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const files = new Set(diagnostics.map((d) => d.location?.file ?? "")).size;
  const parts = [];
  if (errors > 0 || warnings === 0) parts.push(plural(errors, "error"));
  if (warnings > 0) parts.push(plural(warnings, "warning"));
  return `${parts.join(" and ")} in ${plural(files, "file")}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function position(location: Location, options: FormatOptions): string {
  const absolute = path.resolve(options.projectDir, location.file);
  const shown = path.relative(options.cwd, absolute).split(path.sep).join("/") || location.file;
  return `${shown}:${location.line}:${location.column}`;
}

function excerpt(location: Location, options: FormatOptions, lines: SourceLines): string[] {
  const text = lines.get(path.resolve(options.projectDir, location.file), location.line);
  if (text === undefined) return [];
  const gutter = String(location.line);
  const pad = " ".repeat(gutter.length);
  const before = text.slice(0, location.column - 1).replace(/[^\t]/g, " ");
  const width = Math.max(1, Math.min(location.length, text.length - (location.column - 1)));
  const caret = `^${"~".repeat(width - 1)}`;
  return [`  ${gutter} | ${text}`, `  ${pad} | ${before}${paint(options.color, "red", caret)}`];
}

/** Reads source lines for excerpts, each file once. */
export class SourceLines {
  private readonly files = new Map<string, string[] | undefined>();

  get(fileName: string, line: number): string | undefined {
    if (!this.files.has(fileName)) {
      let lines: string[] | undefined;
      try {
        lines = readFileSync(fileName, "utf8").split(/\r?\n/);
      } catch {
        lines = undefined;
      }
      this.files.set(fileName, lines);
    }
    return this.files.get(fileName)?.[line - 1];
  }
}
