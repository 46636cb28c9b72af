import { ts } from "ts-morph";
import type { Location, MissingExplanation, ScanResult } from "../records.js";
import { relativeName, type ScanContext } from "./context.js";
import { hasModuleDecorator } from "./modules.js";

/**
 * Looks into the program for why nothing provides each of `keys` (the `MR3003` hints): a
 * class decorated with `@Module` in a file the scan did not walk (outside `--include` or the
 * tsconfig), or module classes that have an interface's shape without declaring it. Runs only
 * after validation found a missing key, so the checker is never built for a valid project.
 */
export function explainMissing(
  context: ScanContext,
  scan: ScanResult,
  keys: readonly string[],
): Map<string, MissingExplanation> {
  const explained = new Map<string, MissingExplanation>();
  const classes = scan.modules.filter((m) => m.provider === undefined && !m.abstract);
  for (const key of keys) {
    const declared = scan.types.get(key);
    if (declared === undefined || declared.generic) continue;
    const node = declarationAt(context, declared.fileName, declared.location);
    if (node === undefined) continue;
    if (ts.isClassDeclaration(node) && !declared.external && hasModuleDecorator(context, node)) {
      explained.set(key, { decoratedIn: relativeName(context, declared.fileName) });
      continue;
    }
    const { checker } = context;
    const symbol = node.name && checker.getSymbolAtLocation(node.name);
    if (symbol === undefined) continue;
    const outside = unscannedImplementer(context, scan, symbol);
    if (outside !== undefined) {
      explained.set(key, {
        decoratedIn: relativeName(context, outside.getSourceFile().fileName),
        decoratedClass: outside.name?.text ?? "default",
      });
      continue;
    }
    const wanted = checker.getDeclaredTypeOfSymbol(symbol);
    // an empty interface has every class's shape: no nudge means anything then
    if (checker.getPropertiesOfType(wanted).length === 0) continue;
    const lookalikes = classes
      .filter((m) => {
        const own = declarationAt(context, m.fileName, m.location);
        const ownSymbol = own?.name && checker.getSymbolAtLocation(own.name);
        return (
          ownSymbol !== undefined &&
          checker.isTypeAssignableTo(checker.getDeclaredTypeOfSymbol(ownSymbol), wanted)
        );
      })
      .map((m) => m.className ?? m.exportName ?? "default");
    if (lookalikes.length > 0) explained.set(key, { lookalikes });
  }
  return explained;
}

/**
 * A top-level `@Module` class of the project that names `wanted` in its `implements` or
 * `extends` clause, in a file of the program the scan did not read modules from.
 */
function unscannedImplementer(
  context: ScanContext,
  scan: ScanResult,
  wanted: ts.Symbol,
): ts.ClassDeclaration | undefined {
  const scanned = new Set(scan.modules.map((m) => m.fileName));
  const { checker } = context;
  const names = (node: ts.ExpressionWithTypeArguments): boolean => {
    const found = checker.getSymbolAtLocation(node.expression);
    const target = found && found.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(found) : found;
    return target === wanted;
  };
  for (const sourceFile of context.program.getSourceFiles()) {
    const { fileName } = sourceFile;
    if (sourceFile.isDeclarationFile || scanned.has(fileName) || /[\\/]node_modules[\\/]/.test(fileName))
      continue;
    if (!sourceFile.text.includes("@")) continue;
    for (const statement of sourceFile.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      const heritage = statement.heritageClauses?.flatMap((c) => [...c.types]) ?? [];
      if (heritage.some(names) && hasModuleDecorator(context, statement)) return statement;
    }
  }
  return undefined;
}

type Named = ts.ClassDeclaration | ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

/** The class, interface or type alias whose name (or `class` keyword) starts at `location`. */
function declarationAt(context: ScanContext, fileName: string, location: Location): Named | undefined {
  const sourceFile = context.program.getSourceFile(fileName);
  if (sourceFile === undefined) return undefined;
  let position: number;
  try {
    position = sourceFile.getPositionOfLineAndCharacter(location.line - 1, location.column - 1);
  } catch {
    return undefined;
  }
  let found: Named | undefined;
  const visit = (node: ts.Node): void => {
    if (position < node.getStart(sourceFile) || position >= node.getEnd()) return;
    if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node))
      found = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found;
}
