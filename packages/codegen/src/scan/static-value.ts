import { ts } from "ts-morph";
import { ClassRef, type Location, type StaticValue } from "../records.js";
import { locate, resolveAlias, type ScanContext } from "./context.js";
import type { TypeKeys } from "./keys.js";

/** How deep arrays and objects in a decorator argument may nest; deeper is MR2001, never a stack overflow. */
export const MAX_NESTING = 64;

/** Reads decorator arguments without running them: literals, arrays, objects, `as const`, classes, `const`s. */
export class StaticReader {
  readonly locations = new Map<string, Location>();
  readonly errors: { location: Location; message: string }[] = [];
  /** The readable properties of each object (by path) that had an unreadable one. */
  readonly partial = new Map<string, { [key: string]: StaticValue }>();
  private nesting = 0;

  constructor(
    private readonly context: ScanContext,
    private readonly keys: TypeKeys,
  ) {}

  /** The value of `node`, recording its location under `path`; `undefined` (and an error) when not static. */
  read(node: ts.Expression, path: string, depth = 0): StaticValue | undefined {
    if (!this.locations.has(path)) this.locations.set(path, locate(this.context, node));
    const expression = skipOuterExpressions(node);
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression))
      return expression.text;
    if (ts.isNumericLiteral(expression)) return Number(expression.text);
    if (
      ts.isPrefixUnaryExpression(expression) &&
      expression.operator === ts.SyntaxKind.MinusToken &&
      ts.isNumericLiteral(expression.operand)
    ) {
      return -Number(expression.operand.text);
    }
    if (expression.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (expression.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (ts.isArrayLiteralExpression(expression) || ts.isObjectLiteralExpression(expression)) {
      if (this.nesting >= MAX_NESTING)
        return this.fail(
          node,
          `the value is too deeply nested (more than ${MAX_NESTING} levels of arrays and objects) to be statically readable`,
        );
      this.nesting++;
      try {
        return ts.isArrayLiteralExpression(expression)
          ? this.readArray(expression, path, depth)
          : this.readObject(expression, path, depth);
      } finally {
        this.nesting--;
      }
    }
    if (ts.isIdentifier(expression)) return this.readIdentifier(expression, node, path, depth);
    return this.fail(node, `\`${shorten(node.getText())}\` is not statically readable`);
  }

  private readArray(
    array: ts.ArrayLiteralExpression,
    path: string,
    depth: number,
  ): StaticValue[] | undefined {
    const items: StaticValue[] = [];
    let ok = true;
    array.elements.forEach((element, i) => {
      if (ts.isSpreadElement(element) || ts.isOmittedExpression(element)) {
        ok = false;
        this.fail(element, "spread and holes are not statically readable; list the values");
        return;
      }
      const value = this.read(element, `${path}.${i}`, depth);
      if (value === undefined) ok = false;
      else items.push(value);
    });
    return ok ? items : undefined;
  }

  private readObject(
    object: ts.ObjectLiteralExpression,
    path: string,
    depth: number,
  ): { [key: string]: StaticValue } | undefined {
    const result: { [key: string]: StaticValue } = {};
    let ok = true;
    for (const property of object.properties) {
      const name = property.name && propertyName(property.name);
      if (
        name === undefined ||
        !(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property))
      ) {
        ok = false;
        this.fail(property, "only plain `key: value` properties are statically readable");
        continue;
      }
      const key = path === "" ? name : `${path}.${name}`;
      const initializer = ts.isPropertyAssignment(property) ? property.initializer : property.name;
      if (!this.locations.has(key)) this.locations.set(key, locate(this.context, property));
      const value = this.read(initializer, key, depth);
      if (value === undefined) ok = false;
      else result[name] = value;
    }
    if (!ok) this.partial.set(path, result);
    return ok ? result : undefined;
  }

  private readIdentifier(
    identifier: ts.Identifier,
    use: ts.Expression,
    path: string,
    depth: number,
  ): StaticValue | undefined {
    const found = this.context.checker.getSymbolAtLocation(identifier);
    const symbol = found && resolveAlias(this.context, found);
    for (const declaration of symbol?.declarations ?? []) {
      this.context.touched.add(declaration.getSourceFile().fileName);
      if (ts.isClassDeclaration(declaration)) {
        return new ClassRef(this.keys.ofDeclaration(declaration), symbol!.name);
      }
      if (
        ts.isVariableDeclaration(declaration) &&
        declaration.initializer &&
        ts.isVariableDeclarationList(declaration.parent) &&
        declaration.parent.flags & ts.NodeFlags.Const &&
        depth < 16
      ) {
        const errorsBefore = this.errors.length;
        const value = this.read(declaration.initializer, path, depth + 1);
        if (value === undefined && this.errors.length > errorsBefore) {
          // point at the use, where the user looks, and say where the value came from
          const inner = this.errors.splice(errorsBefore);
          return this.fail(
            use,
            `\`${identifier.text}\` holds a value that is not statically readable (${inner[0]!.message})`,
          );
        }
        return value;
      }
    }
    return this.fail(
      use,
      `\`${identifier.text}\` is not a const variable or class, so it is not statically readable`,
    );
  }

  private fail(node: ts.Node, message: string): undefined {
    this.errors.push({ location: locate(this.context, node), message });
    return undefined;
  }
}

/** `(x)`, `x as const`, `x satisfies T`, `<T>x`, `x!` → `x`. */
export function skipOuterExpressions(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isTypeAssertionExpression(current) ||
      ts.isNonNullExpression(current)
    ) {
      current = current.expression;
    } else return current;
  }
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}
