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
