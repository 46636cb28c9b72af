import { readFileSync } from "node:fs";
import { ts } from "ts-morph";
import { error, type Diagnostic } from "../diagnostics.js";
import type { Location } from "../records.js";
import { MAX_NESTING } from "./static-value.js";

/**
 * Problems that keep a source file from being read as TypeScript wrote it: syntax errors
 * (TypeScript recovers from them and would hand the scanner a tree missing the broken
 * declaration, so a module could silently drop out of the manifest) and bytes that are not
 * UTF-8 (decoded as U+FFFD, so an id could silently change).
 */
export function parseProblems(sourceFile: ts.SourceFile, file: string): Diagnostic[] {
  const encoding = utf8Problem(sourceFile, file);
  if (encoding) return [encoding];
  return syntaxErrors(sourceFile).map((d) =>
    error(
      "MR2015",
      `${ts.flattenDiagnosticMessageText(d.messageText, "\n")} (TS${d.code})`,
      {
        ...position(sourceFile.text, d.start, file),
        length: Math.max(1, d.length),
      },
      { hint: "fix the syntax error: modreg reads only files that parse" },
    ),
  );
}

/** A file TypeScript's recursive parser overflowed the stack on: MR2001 at the first too-deep bracket. */
export function tooDeepToParse(fileName: string, file: string): Diagnostic {
  const text = readFileSync(fileName, "utf8");
  let depth = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") depth--;
    if (depth > MAX_NESTING) {
      at = i;
      break;
    }
  }
  return error(
    "MR2001",
    `the expression here is too deeply nested for TypeScript to parse (more than ${MAX_NESTING} levels are not statically readable)`,
    { ...position(text, at, file), length: 1 },
    { hint: "flatten the value: decorator arguments are read without running them" },
  );
}

/** TypeScript's own parse diagnostics of the file, as `tsc` reports them. */
function syntaxErrors(sourceFile: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  // the parser keeps them on the file (what `program.getSyntacticDiagnostics` returns for a
  // .ts file); reading them there spares building a program for projects the fast path reads
  const parsed = (sourceFile as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics;
  if (parsed !== undefined) return parsed;
  return ts
    .createProgram({ rootNames: [sourceFile.fileName], options: {}, host: singleFileHost(sourceFile) })
    .getSyntacticDiagnostics(sourceFile);
}

function singleFileHost(sourceFile: ts.SourceFile): ts.CompilerHost {
  const host = ts.createCompilerHost({});
  return { ...host, getSourceFile: (name) => (name === sourceFile.fileName ? sourceFile : undefined) };
}

const FATAL_UTF8 = new TextDecoder("utf-8", { fatal: true });

function utf8Problem(sourceFile: ts.SourceFile, file: string): Diagnostic | undefined {
  // a decoding replaced invalid bytes with U+FFFD; only then are the bytes read again
  const replaced = sourceFile.text.indexOf("\uFFFD");
  if (replaced < 0) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(sourceFile.fileName);
  } catch {
    return undefined;
  }
  const bom = bytes[0] === 0xfe || bytes[0] === 0xff;
  if (bom) return undefined;
  try {
    FATAL_UTF8.decode(bytes);
    return undefined;
  } catch {
    return error(
      "MR2015",
      "the file is not valid UTF-8: its bytes cannot be read as text without changing it",
      { ...position(sourceFile.text, replaced, file), length: 1 },
      { hint: "save the file as UTF-8 (TypeScript and modreg read sources as UTF-8)" },
    );
  }
}

function position(text: string, offset: number, file: string): Omit<Location, "length"> {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { file, line, column: offset - lineStart + 1 };
}
