import { ts } from "ts-morph";
import type { ScannedModule, ScannedOptions, StaticValue } from "../records.js";
import { ClassReader } from "./classes.js";
import { isFromCore, locate, resolveAlias, type ScanContext } from "./context.js";
import type { TypeKeys } from "./keys.js";
import { StaticReader } from "./static-value.js";
import type { SyntacticTypes } from "./syntactic.js";

/** Finds the `@Module` classes of one source file and reads them into plain records. */
export function scanFile(
  context: ScanContext,
  keys: TypeKeys,
  syntactic: SyntacticTypes,
  sourceFile: ts.SourceFile,
): ScannedModule[] {
  const modules: ScannedModule[] = [];
  const classes = new ClassReader(context, keys, syntactic);
  const direct = syntactic.enabled ? directImports(sourceFile, "Module") : new Set<string>();
  for (const statement of sourceFile.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    const decorator = ts.getDecorators(statement)?.find((d) => isModuleDecorator(context, d, direct));
    if (decorator === undefined) continue;
    // the class symbol is asked for only when the checker is needed anyway (heritage, inheritance)
    let symbol: ts.Symbol | undefined;
    const symbolOf = (): ts.Symbol =>
      (symbol ??=
        context.checker.getSymbolAtLocation(statement.name ?? statement) ?? classSymbol(context, statement)!);
    const name = statement.name?.text;
    const init = classes.onInit(statement, symbolOf);
    modules.push({
      className: name,
      exportName: exportNameOf(statement),
      fileName: sourceFile.fileName,
      location: locate(context, statement.name ?? classKeyword(statement)),
      key: keys.ofDeclaration(statement),
      heritage: classes.heritage(statement, symbolOf),
      abstract: (ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Abstract) !== 0,
      options: decoratorOptions(context, keys, decorator),
      params: classes.params(statement, symbolOf),
      asyncInit: init.async,
      onInitLocation: init.location,
      appPhases: classes.appPhases(statement, symbolOf),
    });
  }
  return modules;
}

/** True when the class carries a `@Module` decorator from `@modreg/core` (read through the checker). */
export function hasModuleDecorator(context: ScanContext, declaration: ts.ClassDeclaration): boolean {
  return ts.getDecorators(declaration)?.some((d) => isModuleDecorator(context, d, new Set())) === true;
}

/** `@Module(...)`, `@Alias(...)`, `@ns.Module(...)` where the callee is `Module` exported by `@modreg/core`. */
function isModuleDecorator(
  context: ScanContext,
  decorator: ts.Decorator,
  direct: ReadonlySet<string>,
): decorator is ts.Decorator & {
  expression: ts.CallExpression;
} {
  const call = decorator.expression;
  // decorators of top-level classes run in module scope, where nothing can shadow an import
  return ts.isCallExpression(call) && isCoreCall(context, call, "Module", direct);
}

/**
 * `name(...)`, `alias(...)`, `ns.name(...)` where the callee is `name` exported by
 * `@modreg/core`. A callee in `direct` (a plain import, see `directImports`) is taken without
 * asking the checker: only valid where no local binding can shadow it (module scope).
 */
export function isCoreCall(
  context: ScanContext,
  call: ts.CallExpression,
  name: string,
  direct: ReadonlySet<string>,
): boolean {
  if (ts.isIdentifier(call.expression) && direct.has(call.expression.text)) return true;
  const callee = ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression;
  if (!ts.isIdentifier(callee)) return false;
  const found = context.checker.getSymbolAtLocation(callee);
  if (found === undefined) return false;
  const symbol = resolveAlias(context, found);
  const declaration = symbol.declarations?.[0];
  return symbol.name === name && declaration !== undefined && isFromCore(context, declaration);
}

/**
 * Local names bound by a plain `import { <name> } from "@modreg/core"` (renamed or not): the
 * common case, recognised without asking the checker. Anything else (barrels, namespaces,
 * path aliases) goes through symbol resolution.
 */
export function directImports(sourceFile: ts.SourceFile, name: string): Set<string> {
  const names = new Set<string>();
  for (const statement of sourceFile.statements) {
    if (
      !ts.isImportDeclaration(statement) ||
      !ts.isStringLiteral(statement.moduleSpecifier) ||
      statement.moduleSpecifier.text !== "@modreg/core" ||
      statement.importClause === undefined ||
      statement.importClause.isTypeOnly
    ) {
      continue;
    }
    const bindings = statement.importClause.namedBindings;
    if (bindings === undefined || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      if (!element.isTypeOnly && (element.propertyName ?? element.name).text === name)
        names.add(element.name.text);
    }
  }
  return names;
}

function decoratorOptions(
  context: ScanContext,
  keys: TypeKeys,
  decorator: ts.Decorator & { expression: ts.CallExpression },
): ScannedOptions {
  const [argument, ...rest] = decorator.expression.arguments;
  const options = readOptions(context, keys, argument, decorator, "the @Module argument");
  if (rest.length === 0) return options;
  const extra = rest.map((a) => ({
    location: locate(context, a),
    message: "@Module takes a single options argument",
  }));
  return { ...options, errors: [...options.errors, ...extra] };
}

/** Reads an options argument statically; `what` names it in messages ("the @Module argument"). */
export function readOptions(
  context: ScanContext,
  keys: TypeKeys,
  argument: ts.Expression | undefined,
  owner: ts.Node,
  what: string,
): ScannedOptions {
  const reader = new StaticReader(context, keys);
  const location = locate(context, argument ?? owner);
  if (argument === undefined) return { value: {}, locations: reader.locations, errors: [], location };
  const value = reader.read(argument, "");
  // with an unreadable option, keep a readable id: what depends on the module by id is then a
  // follow-on of that error, not an unknown id
  const id = reader.partial.get("")?.["id"];
  return {
    value: isObject(value) ? value : typeof id === "string" ? { id } : {},
    locations: reader.locations,
    errors: [
      ...reader.errors,
      ...(value !== undefined && !isObject(value)
        ? [{ location, message: `${what} must be an object literal` }]
        : []),
    ],
    location,
  };
}

function isObject(value: StaticValue | undefined): value is { [key: string]: StaticValue } {
  return typeof value === "object" && !Array.isArray(value) && value.constructor === Object;
}

/** The name the file exports the class under: its own (`export class`), `default`, or an `export { X as Y }`. */
function exportNameOf(declaration: ts.ClassDeclaration): string | undefined {
  const flags = ts.getCombinedModifierFlags(declaration);
  if (flags & ts.ModifierFlags.Default) return "default";
  const name = declaration.name?.text;
  if (flags & ts.ModifierFlags.Export) return name;
  return name === undefined ? undefined : exportedName(declaration.getSourceFile(), name);
}

/** The name a file exports a local binding under, through `export default x` or `export { x as y }`. */
export function exportedName(sourceFile: ts.SourceFile, name: string): string | undefined {
  for (const statement of sourceFile.statements) {
    if (
      ts.isExportAssignment(statement) &&
      !statement.isExportEquals &&
      ts.isIdentifier(statement.expression)
    ) {
      if (statement.expression.text === name) return "default";
    }
    if (
      ts.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      !statement.isTypeOnly &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) {
        if (!element.isTypeOnly && (element.propertyName ?? element.name).getText() === name)
          return element.name.text;
      }
    }
  }
  return undefined;
}

function classSymbol(context: ScanContext, declaration: ts.ClassDeclaration): ts.Symbol | undefined {
  return (
    (declaration as unknown as { symbol?: ts.Symbol }).symbol ??
    context.checker.getSymbolAtLocation(declaration)
  );
}

function classKeyword(declaration: ts.ClassDeclaration): ts.Node {
  return declaration.getChildren().find((c) => c.kind === ts.SyntaxKind.ClassKeyword) ?? declaration;
}
