import { ts } from "ts-morph";
import { RESOLVER_KEY, TENANT_CONTEXT_KEY } from "@modreg/core";
import type { AppPhaseMethod, Location, ParamTarget, ScannedParam, TypeShape } from "../records.js";
import { isFromCore, locate, type ScanContext } from "./context.js";
import { declarationOf, injectableOf, typeArgumentsOf, type Substitution, type TypeKeys } from "./keys.js";
import type { SyntacticTypes } from "./syntactic.js";

/** Reads what the checker knows about a module class: heritage, constructor parameters, `onInit`. */
export class ClassReader {
  constructor(
    private readonly context: ScanContext,
    private readonly keys: TypeKeys,
    private readonly syntactic: SyntacticTypes,
  ) {}

  /**
   * Keys of every class and interface the class extends or implements, directly or through
   * the chain, with type arguments carried along: `UserRepo extends CachedRepo<User>` and
   * `CachedRepo<T> extends Repo<T>` give `Repo<User>`.
   */
  heritage(declaration: ts.ClassDeclaration | ts.InterfaceDeclaration, symbolOf: () => ts.Symbol): string[] {
    if (declaration.heritageClauses === undefined) return [];
    const plain = ts.isClassDeclaration(declaration) ? this.plainHeritage(declaration) : undefined;
    if (plain !== undefined) return plain;
    const { checker } = this.context;
    const found = new Set<string>();
    const visit = (type: ts.Type, substitution: Substitution | undefined, depth: number): void => {
      const target = (type as ts.TypeReference).target ?? type;
      const node = declarationOf(target.symbol);
      if (node === undefined || depth > MAX_HERITAGE_DEPTH) return;
      const declared = checker.getDeclaredTypeOfSymbol(target.symbol) as ts.InterfaceType;
      if (!(declared.objectFlags & ts.ObjectFlags.ClassOrInterface)) return;
      // the declaration's type parameters, bound to this reference's arguments
      const args = typeArgumentsOf(checker, type);
      const bound =
        args.length === 0
          ? undefined
          : new Map(
              args.map((arg, i) => [declared.typeParameters![i]!, this.keys.argumentOf(arg, substitution)]),
            );
      const bases: ts.Type[] = [...(checker.getBaseTypes(declared) ?? [])];
      for (const clause of node.heritageClauses ?? []) {
        if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
        for (const implemented of clause.types) bases.push(checker.getTypeAtLocation(implemented));
      }
      for (const base of bases) {
        const key = this.keys.ofType(base, bound);
        if (key === undefined || found.has(key)) continue;
        found.add(key);
        const baseDeclaration = declarationOf(base.symbol);
        if (baseDeclaration) this.context.touched.add(baseDeclaration.getSourceFile().fileName);
        visit(base, bound, depth + 1);
      }
    };
    visit(checker.getDeclaredTypeOfSymbol(symbolOf()), undefined, 0);
    return [...found].sort();
  }

  /**
   * Constructor parameters: the class's own, read from their type annotations, or, without
   * an own constructor, the inherited ones (with the base's type arguments applied).
   */
  params(declaration: ts.ClassDeclaration, symbolOf: () => ts.Symbol): ScannedParam[] {
    const constructors = declaration.members.filter(ts.isConstructorDeclaration);
    const own = constructors.find((c) => c.body !== undefined) ?? constructors[0];
    if (own !== undefined) {
      // a class's own type parameters could shadow a top-level name: leave those to the checker
      return this.functionParams(own.parameters, declaration.typeParameters === undefined);
    }
    if (!hasExtends(declaration)) return [];
    const { checker } = this.context;
    const symbol = symbolOf();
    const signatures = checker.getSignaturesOfType(
      checker.getTypeOfSymbol(symbol),
      ts.SignatureKind.Construct,
    );
    const signature = signatures.reduce<ts.Signature | undefined>(
      (best, s) => (best === undefined || s.parameters.length > best.parameters.length ? s : best),
      undefined,
    );
    return (signature?.parameters ?? []).flatMap((parameter) => {
      const node = parameter.valueDeclaration;
      return node && ts.isParameter(node) ? [this.param(node, checker.getTypeOfSymbol(parameter))] : [];
    });
  }

  /**
   * Parameters read from their type annotations (a constructor's, or a provider function's).
   * `plain`: no type parameters of the function or its class can shadow a top-level name, so
   * plain names may be read without the checker.
   */
  functionParams(parameters: readonly ts.ParameterDeclaration[], plain: boolean): ScannedParam[] {
    return parameters.map(
      (node) =>
        (plain ? this.plainParam(node) : undefined) ??
        this.param(node, node.type && this.context.checker.getTypeFromTypeNode(node.type)),
    );
  }

  /**
   * `implements A, B` only, where each interface (and everything it extends) is a plain name
   * resolved without the checker; `undefined` when anything needs the checker.
   */
  private plainHeritage(declaration: ts.ClassDeclaration): string[] | undefined {
    const found = new Set<string>();
    const pending: [ts.ExpressionWithTypeArguments, ts.SourceFile][] = [];
    for (const clause of declaration.heritageClauses ?? []) {
      if (clause.token !== ts.SyntaxKind.ImplementsKeyword) return undefined;
      for (const type of clause.types) pending.push([type, declaration.getSourceFile()]);
    }
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [type, file] = next;
      if (type.typeArguments !== undefined || !ts.isIdentifier(type.expression)) return undefined;
      const target = this.syntactic.resolve(file, type.expression.text);
      if (target === undefined || !ts.isInterfaceDeclaration(target)) return undefined;
      const key = this.keys.ofDeclaration(target);
      if (found.has(key)) continue;
      found.add(key);
      for (const clause of target.heritageClauses ?? []) {
        for (const base of clause.types) pending.push([base, target.getSourceFile()]);
      }
    }
    return [...found].sort();
  }

  /**
   * A parameter typed with a plain class or interface name — optionally as `T | undefined`,
   * `T[]`, `readonly T[]`, or inside `Lazy<T>` / `Factory<T, A>` imported from `@modreg/core` —
   * read without the checker; `undefined` for anything else.
   */
  private plainParam(node: ts.ParameterDeclaration): ScannedParam | undefined {
    const identifier = node.name;
    if (node.type === undefined || node.dotDotDotToken !== undefined || !ts.isIdentifier(identifier)) {
      return undefined;
    }
    const file = node.getSourceFile();
    let type: ts.TypeNode = node.type;
    let optional = node.questionToken !== undefined || node.initializer !== undefined;
    if (ts.isUnionTypeNode(type)) {
      const rest = type.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
      if (rest.length !== 1 || type.types.length !== 2) return undefined;
      type = rest[0]!;
      optional = true;
    }
    let wrapper: ScannedParam["wrapper"] = "value";
    let multi = false;
    const keyword = KEYWORD_TYPES.get(type.kind);
    if (keyword !== undefined) {
      // `tenant: string` (a runtime argument, by id through `inject`, or an error): no declaration to look up
      const reason = `no module can provide \`${type.getText()}\` by type`;
      const target = { kind: "unsupported", reason, shape: keyword } as const;
      return { ...this.plainBase(node, identifier, optional), multi, wrapper, target };
    }
    if (
      ts.isTypeReferenceNode(type) &&
      type.typeArguments === undefined &&
      ts.isIdentifier(type.typeName) &&
      this.syntactic.coreName(file, type.typeName.text) === "TenantContext"
    ) {
      return { ...this.plainBase(node, identifier, optional), multi, wrapper, target: TENANT_CONTEXT };
    }
    if (ts.isTypeReferenceNode(type) && type.typeArguments !== undefined) {
      const core = ts.isIdentifier(type.typeName)
        ? this.syntactic.coreName(file, type.typeName.text)
        : undefined;
      if (core !== "Lazy" && core !== "Factory") return undefined;
      wrapper = core === "Lazy" ? "lazy" : "factory";
      type = type.typeArguments[0]!;
    } else {
      if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword) {
        if (!ts.isArrayTypeNode(type.type)) return undefined;
        type = type.type;
      }
      if (ts.isArrayTypeNode(type)) {
        multi = true;
        type = type.elementType;
      }
    }
    if (
      !ts.isTypeReferenceNode(type) ||
      type.typeArguments !== undefined ||
      !ts.isIdentifier(type.typeName)
    ) {
      return undefined;
    }
    const declaration = this.syntactic.resolve(file, type.typeName.text);
    if (declaration?.name === undefined || declaration.typeParameters !== undefined) return undefined;
    const key = this.keys.ofDeclaration(declaration);
    const name = declaration.name.text;
    const abstract = (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Abstract) !== 0;
    return {
      ...this.plainBase(node, identifier, optional),
      multi,
      wrapper,
      target: ts.isInterfaceDeclaration(declaration)
        ? { kind: "interface", key, name }
        : { kind: "class", key, name, abstract },
    };
  }

  private plainBase(node: ts.ParameterDeclaration, name: ts.Identifier, optional: boolean) {
    return {
      name: name.text,
      location: locate(this.context, name),
      typeText: node.type?.getText() ?? "",
      rest: false,
      optional,
      defaulted: node.initializer !== undefined,
    };
  }

  private param(node: ts.ParameterDeclaration, declaredType: ts.Type | undefined): ScannedParam {
    const { checker } = this.context;
    this.context.touched.add(node.getSourceFile().fileName);
    const base = {
      name: ts.isIdentifier(node.name) ? node.name.text : node.name.getText(),
      location: locate(this.context, node.name),
      typeText: node.type ? node.type.getText() : "",
      rest: node.dotDotDotToken !== undefined,
      optional: node.questionToken !== undefined || node.initializer !== undefined,
      defaulted: node.initializer !== undefined,
    };
    if (node.type === undefined || declaredType === undefined) {
      return { ...base, multi: false, wrapper: "value", target: unsupported("it has no declared type") };
    }
    if (base.rest)
      return {
        ...base,
        multi: false,
        wrapper: "value",
        target: unsupported("rest parameters cannot be injected"),
      };
    let type = declaredType;
    let optional = base.optional;
    const stripped = withoutUndefined(type);
    if (stripped !== type) optional = true;
    if (stripped === undefined) {
      const target = { ...unsupported("its type is a union"), shape: shapeOf(checker, type) };
      return { ...base, optional, multi: false, wrapper: "value", target };
    }
    type = stripped;
    let wrapper: ScannedParam["wrapper"] = "value";
    const wrapped = this.wrapperOf(type) ?? this.thunkOf(type);
    if (wrapped) {
      wrapper = wrapped.kind;
      type = wrapped.inner;
    }
    let multi = false;
    if (wrapper === "value" && checker.isArrayType(type)) {
      multi = true;
      type = checker.getTypeArguments(type as ts.TypeReference)[0]!;
    }
    return { ...base, optional, multi, wrapper, target: this.target(type) };
  }

  /** `Lazy<T>` / `Factory<T, A>` from `@modreg/core`, also through user type aliases. */
  private wrapperOf(type: ts.Type): { kind: "lazy" | "factory"; inner: ts.Type } | undefined {
    const symbol = type.symbol as ts.Symbol | undefined;
    if (symbol === undefined || (symbol.name !== "Lazy" && symbol.name !== "Factory")) return undefined;
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined || !isFromCore(this.context, declaration)) return undefined;
    const inner = typeArgumentsOf(this.context.checker, type)[0];
    if (inner === undefined) return undefined;
    return { kind: symbol.name === "Lazy" ? "lazy" : "factory", inner };
  }

  /**
   * `() => T` for an injectable `T`: the factory-token idiom of tsyringe and InversifyJS,
   * injected as `Lazy<T>` (which is exactly that function).
   */
  private thunkOf(type: ts.Type): { kind: "lazy"; inner: ts.Type } | undefined {
    const { checker } = this.context;
    if (type.symbol === undefined || declarationOf(type.symbol) !== undefined || type.aliasSymbol)
      return undefined;
    const calls = checker.getSignaturesOfType(type, ts.SignatureKind.Call);
    if (calls.length !== 1 || calls[0]!.parameters.length !== 0) return undefined;
    if (checker.getPropertiesOfType(type).length > 0) return undefined;
    const inner = checker.getReturnTypeOfSignature(calls[0]!);
    return injectableOf(checker, inner) === undefined ? undefined : { kind: "lazy", inner };
  }

  private target(type: ts.Type): ParamTarget {
    const symbol = type.aliasSymbol ?? type.symbol;
    const declared = symbol?.declarations?.[0];
    if (symbol?.name === "TenantContext" && declared && isFromCore(this.context, declared)) {
      return TENANT_CONTEXT;
    }
    if (symbol?.name === "Resolver" && declared && isFromCore(this.context, declared)) return RESOLVER;
    const found = injectableOf(this.context.checker, type);
    const described = found && this.keys.describe(type);
    if (found === undefined || described === undefined) {
      const { checker } = this.context;
      return {
        ...unsupported(`no module can provide \`${checker.typeToString(type)}\` by type`),
        shape: shapeOf(checker, type),
      };
    }
    const { declaration } = found;
    const { key, name } = described;
    if (!ts.isClassDeclaration(declaration)) return { kind: "interface", key, name };
    const abstract = (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Abstract) !== 0;
    return { kind: "class", key, name, abstract };
  }

  /** Where the class declares (or inherits) `onReady` and `onShutdown`: MR2030 for factory and scoped modules. */
  appPhases(classDeclaration: ts.ClassDeclaration, symbolOf: () => ts.Symbol): AppPhaseMethod[] {
    const found: AppPhaseMethod[] = [];
    for (const name of APP_PHASES) {
      const own = classDeclaration.members.find(
        (m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === name,
      );
      if (own?.name !== undefined) {
        found.push({ name, location: locate(this.context, own.name) });
        continue;
      }
      if (!hasExtends(classDeclaration)) continue;
      const { checker } = this.context;
      const declaration = checker.getPropertyOfType(checker.getDeclaredTypeOfSymbol(symbolOf()), name)
        ?.declarations?.[0];
      if (declaration === undefined) continue;
      this.context.touched.add(declaration.getSourceFile().fileName);
      found.push({
        name,
        location: locate(this.context, (declaration as ts.NamedDeclaration).name ?? declaration),
      });
    }
    return found;
  }

  /** Whether `onInit` (own or inherited) is async or returns a Promise type, and where it is declared. */
  onInit(
    classDeclaration: ts.ClassDeclaration,
    symbolOf: () => ts.Symbol,
  ): { async: boolean; location: Location | undefined } {
    const own = classDeclaration.members.find(
      (m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === "onInit",
    );
    // no onInit of its own and nothing to inherit one from: no need to ask the checker
    if (own === undefined && !hasExtends(classDeclaration)) return { async: false, location: undefined };
    if (own !== undefined && ts.isMethodDeclaration(own)) {
      const location = locate(this.context, own.name);
      if (own.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return { async: true, location };
      if (own.type?.kind === ts.SyntaxKind.VoidKeyword) return { async: false, location };
    }
    const { checker } = this.context;
    const instance = checker.getDeclaredTypeOfSymbol(symbolOf());
    const property = checker.getPropertyOfType(instance, "onInit");
    const declaration = property?.declarations?.[0];
    if (property === undefined || declaration === undefined) return { async: false, location: undefined };
    this.context.touched.add(declaration.getSourceFile().fileName);
    const location = locate(this.context, (declaration as ts.NamedDeclaration).name ?? declaration);
    if (
      ts.isMethodDeclaration(declaration) &&
      declaration.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)
    ) {
      return { async: true, location };
    }
    const type = checker.getTypeOfSymbol(property);
    const async = checker
      .getSignaturesOfType(type, ts.SignatureKind.Call)
      .some((signature) => isPromiseLike(checker.getReturnTypeOfSignature(signature)));
    return { async, location };
  }
}

/** The app-phase hooks a module class can declare. */
const APP_PHASES = ["onReady", "onShutdown"] as const;

/** `TenantContext` from `@modreg/core`: provided by each tenant's container under this key. */
const TENANT_CONTEXT: ParamTarget = { kind: "interface", key: TENANT_CONTEXT_KEY, name: "TenantContext" };

/** `Resolver` from `@modreg/core`: the container that builds the module. */
const RESOLVER: ParamTarget = { kind: "interface", key: RESOLVER_KEY, name: "Resolver" };

/** Generic heritage chains deeper than this are not followed (F-bounded types could recurse forever). */
const MAX_HERITAGE_DEPTH = 32;

/** Keyword types and their shapes, as `shapeOf` gives them through the checker. */
const KEYWORD_TYPES = new Map<ts.SyntaxKind, TypeShape>([
  [ts.SyntaxKind.StringKeyword, [{ text: "string" }]],
  [ts.SyntaxKind.NumberKeyword, [{ text: "number" }]],
  [
    ts.SyntaxKind.BooleanKeyword,
    [
      { text: "false", base: "boolean" },
      { text: "true", base: "boolean" },
    ],
  ],
  [ts.SyntaxKind.BigIntKeyword, [{ text: "bigint" }]],
  [ts.SyntaxKind.SymbolKeyword, [{ text: "symbol" }]],
  [ts.SyntaxKind.ObjectKeyword, [{ text: "object" }]],
  [ts.SyntaxKind.UnknownKeyword, [{ text: "unknown" }]],
  [ts.SyntaxKind.AnyKeyword, [{ text: "any" }]],
]);

function hasExtends(declaration: ts.ClassDeclaration): boolean {
  return declaration.heritageClauses?.some((c) => c.token === ts.SyntaxKind.ExtendsKeyword) === true;
}

function unsupported(reason: string): Extract<ParamTarget, { kind: "unsupported" }> {
  return { kind: "unsupported", reason };
}

/** `T | undefined` → `T`; the same type when it has no `undefined`; `undefined` for other unions. */
function withoutUndefined(type: ts.Type): ts.Type | undefined {
  if (!type.isUnion()) return type;
  const rest = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
  if (rest.length === 1) return rest[0];
  // `boolean | undefined` is `true | false | undefined`: still one declared type, but not injectable anyway
  return undefined;
}

/**
 * The members of a type for `inject` fit checks: each union member (without `undefined`) as
 * the checker prints it, literals with the primitive they widen to.
 */
export function shapeOf(checker: ts.TypeChecker, type: ts.Type): TypeShape {
  const members = type.isUnion() ? type.types : [type];
  const shape = new Map<string, { text: string; base?: string }>();
  for (const member of members) {
    if (member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) continue;
    const text = checker.typeToString(member, undefined, ts.TypeFormatFlags.NoTruncation);
    const literal =
      member.flags & (ts.TypeFlags.Literal | ts.TypeFlags.BooleanLiteral | ts.TypeFlags.EnumLiteral);
    const base = literal ? checker.typeToString(checker.getBaseTypeOfLiteralType(member)) : undefined;
    shape.set(text, base === undefined || base === text ? { text } : { text, base });
  }
  return [...shape.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/** `Promise<T>` or `PromiseLike<T>`, also inside a union. */
export function isPromiseLike(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(isPromiseLike);
  const name = type.symbol?.name;
  return name === "Promise" || name === "PromiseLike";
}
