import { ts } from "ts-morph";
import type { Location } from "../records.js";
import { relativePosix, type PackageNames } from "./packages.js";

/** What every part of the scanner needs: the checker and how to turn nodes into plain locations. */
export interface ScanContext {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly projectDir: string;
  readonly packages: PackageNames;
  /** Files whose declarations the current file's records depend on (for `--watch` reuse). */
  readonly touched: Set<string>;
  /** Project-relative POSIX names by absolute file name (locations ask for them constantly). */
  readonly relativeNames: Map<string, string>;
}

/** The project-relative POSIX name of a file, cached. */
export function relativeName(context: ScanContext, fileName: string): string {
  let name = context.relativeNames.get(fileName);
  if (name === undefined)
    context.relativeNames.set(fileName, (name = relativePosix(context.projectDir, fileName)));
  return name;
}

/** The plain location of a node: project-relative file, 1-based line and column, span length. */
export function locate(context: ScanContext, node: ts.Node): Location {
  const sourceFile = node.getSourceFile();
  const start = node.getStart(sourceFile);
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
  return {
    file: relativeName(context, sourceFile.fileName),
    line: line + 1,
    column: character + 1,
    length: Math.max(1, node.getEnd() - start),
  };
}

/** Follows import/export aliases to the symbol that declares something. */
export function resolveAlias(context: ScanContext, symbol: ts.Symbol): ts.Symbol {
  let current = symbol;
  while (current.flags & ts.SymbolFlags.Alias) {
    for (const declaration of current.declarations ?? [])
      context.touched.add(declaration.getSourceFile().fileName);
    const next = context.checker.getImmediateAliasedSymbol(current);
    if (next === undefined || next === current) break;
    current = next;
  }
  return current;
}

/** True when a declaration comes from the `@modreg/core` package (by package name, so symlinks and path aliases work). */
export function isFromCore(context: ScanContext, declaration: ts.Node): boolean {
  return context.packages.ofFile(declaration.getSourceFile().fileName) === "@modreg/core";
}
