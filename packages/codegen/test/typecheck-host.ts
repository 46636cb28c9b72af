/**
 * `tsc --noEmit -p <tsconfig>` in this process, for many small projects in a row: one
 * TypeScript compiler host whose parsed declaration files (the standard library,
 * `@modreg/core`'s types, `@types/*`) are kept across projects, so each project pays only
 * for its own sources instead of a fresh `tsc` process re-reading the library every time.
 * Sources of the project itself are always read fresh.
 */
import path from "node:path";
import ts from "typescript";

const shared = new Map<string, ts.SourceFile>();

function isShared(fileName: string): boolean {
  return fileName.endsWith(".d.ts") && (fileName.includes("/node_modules/") || fileName.includes("/lib."));
}

function host(options: ts.CompilerOptions): ts.CompilerHost {
  const base = ts.createCompilerHost(options);
  return {
    ...base,
    getSourceFile(fileName, languageVersion, onError, shouldCreate) {
      const key = `${String(typeof languageVersion === "object" ? languageVersion.languageVersion : languageVersion)}:${fileName}`;
      const cached = shared.get(key);
      if (cached !== undefined) return cached;
      const file = base.getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file !== undefined && isShared(fileName)) shared.set(key, file);
      return file;
    },
  };
}

/** The diagnostics `tsc --noEmit -p tsconfig --pretty false` prints, one per line ("" when clean). */
export function typecheck(tsconfig: string): string {
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => path.dirname(tsconfig),
    getNewLine: () => "\n",
  };
  const config = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    { noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.formatDiagnostic(d, formatHost));
      },
    },
  );
  if (config === undefined) throw new Error(`cannot read ${tsconfig}`);
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    host: host(config.options),
    projectReferences: config.projectReferences ?? [],
  });
  const diagnostics = [...config.errors, ...ts.getPreEmitDiagnostics(program)];
  return ts.formatDiagnostics(diagnostics, formatHost);
}
