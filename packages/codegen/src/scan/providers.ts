import { ts } from "ts-morph";
import type { Location, ScannedModule, ScannedOptions, ScannedProvider } from "../records.js";
import { ClassReader, isPromiseLike, shapeOf } from "./classes.js";
import { locate, relativeName, resolveAlias, type ScanContext } from "./context.js";
import { declarationOf, injectableOf, type TypeKeys } from "./keys.js";
import { directImports, exportedName, isCoreCall, readOptions } from "./modules.js";
import { skipOuterExpressions } from "./static-value.js";
import type { SyntacticTypes } from "./syntactic.js";

/** Where a `provide()` call sits, and the names it is known by. */
interface Placement {
  readonly name: string | undefined;
  readonly exportName: string | undefined;
  /** What the record's location points at: the variable name, or the callee. */
  readonly at: ts.Node;
  readonly misplaced: ScannedProvider["misplaced"];
}

type ProviderFunction = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration;

const UNINJECTABLE =
  ts.TypeFlags.Void |
  ts.TypeFlags.Undefined |
  ts.TypeFlags.Null |
  ts.TypeFlags.Unknown |
  ts.TypeFlags.Any |
  ts.TypeFlags.Never;

/**
 * Finds the `provide()` calls of `@modreg/core` in one source file. An exported top-level
 * `const x = provide(...)` (or `export default provide(...)`) becomes a module record read like
 * a class: options statically, the function's parameters like constructor parameters, its
 * awaited return type as what it provides. Any other call is recorded as misplaced, so the
 * validator can point at it.
 *
 * @param names the local names `provide` may go by in the project (`provide` and its aliases)
 */
export function scanProviders(
  context: ScanContext,
  keys: TypeKeys,
  syntactic: SyntacticTypes,
  sourceFile: ts.SourceFile,
  names: readonly string[],
): ScannedModule[] {
  if (!names.some((name) => sourceFile.text.includes(name))) return [];
  const direct = syntactic.enabled ? directImports(sourceFile, "provide") : new Set<string>();
  const reader = new ProviderReader(context, keys, new ClassReader(context, keys, syntactic));
  const found: ScannedModule[] = [];
  const seen = new Set<ts.CallExpression>();
  const accept = (call: ts.CallExpression | undefined, placement: Placement): void => {
    if (call === undefined || !names.includes(calleeName(call) ?? "")) return;
    if (!isCoreCall(context, call, "provide", direct)) return;
    seen.add(call);
    found.push(reader.read(call, placement));
  };
  for (const statement of sourceFile.statements) {
    if (ts.isVariableStatement(statement)) {
      const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true;
      const constant = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
        const name = declaration.name.text;
        accept(callOf(declaration.initializer), {
          name,
          exportName: exported ? name : exportedName(sourceFile, name),
          at: declaration.name,
          misplaced: constant ? undefined : "not-const",
        });
      }
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      const call = callOf(statement.expression);
      accept(call, {
        name: undefined,
        exportName: "default",
        at: call?.expression ?? statement,
        misplaced: undefined,
      });
    }
  }
  // every other call: inside a function or a block, or part of a larger expression
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && !seen.has(node) && names.includes(calleeName(node) ?? "")) {
      // a nested call can be shadowed by a local binding: always ask the checker
      if (isCoreCall(context, node, "provide", new Set())) {
        found.push(
          reader.read(node, {
            name: undefined,
            exportName: undefined,
            at: node.expression,
            misplaced: "nested",
          }),
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Reads one `provide(options, fn, hooks?)` call. */
class ProviderReader {
  constructor(
    private readonly context: ScanContext,
    private readonly keys: TypeKeys,
    private readonly classes: ClassReader,
  ) {}

  read(call: ts.CallExpression, placement: Placement): ScannedModule {
    const { context } = this;
    const sourceFile = call.getSourceFile();
    const [optionsArgument, fnArgument] = call.arguments;
    const options = readOptions(context, this.keys, optionsArgument, call, "the provide() options");
    const fn = fnArgument && this.functionOf(fnArgument);
    const functionLocation = locate(context, fn ?? fnArgument ?? call);
    const local = placement.name ?? placement.exportName ?? "default";
    const base = {
      className: placement.name,
      exportName: placement.exportName,
      fileName: sourceFile.fileName,
      location: locate(context, placement.at),
      // never a type's key: `()` does not occur in those
      key: `${relativeName(context, sourceFile.fileName)}#${local}()`,
      abstract: false,
      onInitLocation: functionLocation,
    };
    if (fn === undefined) {
      const problem = {
        location: functionLocation,
        message: "the provider function must be a function expression, or a function declared in the project",
      };
      return {
        ...base,
        heritage: [],
        options: withError(options, problem),
        params: [],
        asyncInit: false,
        provider: {
          typeText: "unknown",
          key: undefined,
          shape: [],
          uninjectable: false,
          misplaced: placement.misplaced,
          functionLocation,
          scopeValue: false,
        },
      };
    }
    const { checker } = context;
    // scopeValue<T>(): a function of no parameters returning T, whose value each scope supplies
    const signature = isFunction(fn)
      ? checker.getSignatureFromDeclaration(fn)
      : checker.getTypeAtLocation(fn).getCallSignatures()[0];
    const returned = signature && checker.getReturnTypeOfSignature(signature);
    const async =
      (isFunction(fn) && fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) === true) ||
      (returned !== undefined && isPromiseLike(returned));
    const provided = returned === undefined ? undefined : (checker.getAwaitedType(returned) ?? returned);
    const described =
      provided !== undefined && injectableOf(checker, provided) ? this.keys.describe(provided) : undefined;
    const heritage = described && provided ? [described.key, ...this.heritageOf(provided)] : [];
    return {
      ...base,
      heritage: [...new Set(heritage)].sort(),
      options,
      params: isFunction(fn)
        ? this.classes.functionParams(fn.parameters, fn.typeParameters === undefined)
        : [],
      asyncInit: async,
      provider: {
        typeText: provided === undefined ? "unknown" : checker.typeToString(provided),
        key: described?.key,
        shape: provided === undefined ? [] : shapeOf(checker, provided),
        uninjectable: provided === undefined || (provided.flags & UNINJECTABLE) !== 0,
        misplaced: placement.misplaced,
        functionLocation,
        scopeValue: !isFunction(fn),
      },
    };
  }

  /** What a class or interface type extends or implements, through the chain. */
  private heritageOf(type: ts.Type): string[] {
    const declaration = declarationOf(type.symbol);
    if (declaration === undefined) return [];
    return this.classes.heritage(declaration, () => type.symbol);
  }

  /**
   * The function an argument is or names: a literal, or a function declared in the project;
   * or a `scopeValue<T>()` call of `@modreg/core`.
   */
  private functionOf(argument: ts.Expression): ProviderFunction | ts.CallExpression | undefined {
    const expression = skipOuterExpressions(argument);
    if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) return expression;
    if (ts.isCallExpression(expression) && isCoreCall(this.context, expression, "scopeValue", new Set()))
      return expression;
    if (!ts.isIdentifier(expression)) return undefined;
    const found = this.context.checker.getSymbolAtLocation(expression);
    const symbol = found && resolveAlias(this.context, found);
    const declarations = symbol?.declarations ?? [];
    for (const declaration of declarations) this.context.touched.add(declaration.getSourceFile().fileName);
    const implementation = declarations.find(
      (d): d is ts.FunctionDeclaration => ts.isFunctionDeclaration(d) && d.body !== undefined,
    );
    if (implementation !== undefined) return implementation;
    const variable = declarations.find(ts.isVariableDeclaration);
    const initializer = variable?.initializer && skipOuterExpressions(variable.initializer);
    return initializer && (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer))
      ? initializer
      : undefined;
  }
}

function isFunction(fn: ProviderFunction | ts.CallExpression): fn is ProviderFunction {
  return !ts.isCallExpression(fn);
}

function withError(
  options: ScannedOptions,
  problem: { location: Location; message: string },
): ScannedOptions {
  return { ...options, errors: [...options.errors, problem] };
}

/** The call an initializer is, under parentheses, `as`, `satisfies` and `!`. */
function callOf(expression: ts.Expression): ts.CallExpression | undefined {
  const inner = skipOuterExpressions(expression);
  return ts.isCallExpression(inner) ? inner : undefined;
}

/** `provide` in `provide(...)` and `core.provide(...)`. */
function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}
