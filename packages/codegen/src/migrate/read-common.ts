/** What both readers need: the library's imports of a file, tokens and decorator names. */
import { Node, type Decorator, type Expression, type SourceFile, type Statement } from "ts-morph";
import type { TokenRef } from "./model.js";

/** Local name -> imported name of the named imports of `moduleName` in `file`. */
export function libraryImports(file: SourceFile, moduleName: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const decl of file.getImportDeclarations()) {
    if (decl.getModuleSpecifierValue() !== moduleName) continue;
    for (const named of decl.getNamedImports()) {
      names.set(named.getAliasNode()?.getText() ?? named.getName(), named.getName());
    }
  }
  return names;
}

/** The library name a decorator (or call) refers to: `@inj()` imported as `injectable` -> "injectable". */
export function calleeName(expr: Expression, imports: ReadonlyMap<string, string>): string | undefined {
  const callee = Node.isCallExpression(expr) ? expr.getExpression() : expr;
  if (Node.isIdentifier(callee)) return imports.get(callee.getText());
  return undefined;
}

export function decoratorName(
  decorator: Decorator,
  imports: ReadonlyMap<string, string>,
): string | undefined {
  return imports.get(decorator.getName());
}

/**
 * A token expression as a reference: a class when it names one, otherwise a name keyed by
 * its declaration (`TYPES.Logger`, `const LOGGER = Symbol()`) or by its string value.
 */
export function tokenOf(expr: Expression | undefined): TokenRef | undefined {
  if (expr === undefined) return undefined;
  const text = expr.getText();
  if (Node.isStringLiteral(expr) || Node.isNoSubstitutionTemplateLiteral(expr)) {
    const value = expr.getLiteralValue();
    return { kind: "name", key: `string:${value}`, name: value, text };
  }
  if (!Node.isIdentifier(expr) && !Node.isPropertyAccessExpression(expr)) return undefined;
  let symbol = expr.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
  const decl = symbol?.getDeclarations()[0];
  if (decl === undefined) return undefined;
  if (Node.isClassDeclaration(decl)) return { kind: "class", decl, text };
  const name = Node.isPropertyAccessExpression(expr) ? expr.getName() : expr.getText();
  const literal = constantString(decl);
  const key =
    literal !== undefined
      ? `string:${literal}`
      : `decl:${decl.getSourceFile().getFilePath()}:${String(decl.getStart())}`;
  return { kind: "name", key, name: literal ?? name, text };
}

/** `const X = "x"` / `{ X: "x" }`: the string a constant token stands for. */
function constantString(decl: Node): string | undefined {
  const init =
    Node.isVariableDeclaration(decl) || Node.isPropertyAssignment(decl) ? decl.getInitializer() : undefined;
  return init !== undefined && Node.isStringLiteral(init) ? init.getLiteralValue() : undefined;
}

/** `() => X` / `() => { return X; }`: the expression the arrow returns. */
export function arrowResult(expr: Expression | undefined): Expression | undefined {
  if (expr === undefined || !Node.isArrowFunction(expr)) return undefined;
  const body = expr.getBody();
  if (Node.isExpression(body)) return body;
  const statements = Node.isBlock(body) ? body.getStatements() : [];
  const only = statements.length === 1 ? statements[0] : undefined;
  return only !== undefined && Node.isReturnStatement(only) ? only.getExpression() : undefined;
}

/** The statement a call is the whole of (`container.register(...);`), if it is. */
export function wholeStatement(node: Node): Statement | undefined {
  const parent = node.getParent();
  return parent !== undefined && Node.isExpressionStatement(parent) ? parent : undefined;
}
