import { ts } from "ts-morph";
import type { Location, ParamTarget, ScannedParam } from "../records.js";
import { isFromCore, locate, type ScanContext } from "./context.js";
import { declarationOf, typeArgumentsOf, type TypeKeys } from "./keys.js";

/** Reads what the checker knows about a module class: heritage, constructor parameters, `onInit`. */
export class ClassReader {
  constructor(
    private readonly context: ScanContext,
    private readonly keys: TypeKeys,
  ) {}

  /** Keys of every class and interface the class extends or implements, directly or through the chain. */
  heritage(declaration: ts.ClassDeclaration, symbol: ts.Symbol): string[] {
    if (declaration.heritageClauses === undefined) return [];
    const found = new Set<string>();
    const seen = new Set<ts.Type>();
    const visit = (type: ts.Type, node: ts.ClassDeclaration | ts.InterfaceDeclaration | undefined): void => {
      const target = (type as ts.TypeReference).target ?? type;
      if (seen.has(target)) return;
      seen.add(target);
      const declared = this.context.checker.getDeclaredTypeOfSymbol(target.symbol);
      const bases: ts.Type[] = [...(this.context.checker.getBaseTypes(declared as ts.InterfaceType) ?? [])];
      for (const clause of node?.heritageClauses ?? []) {
        if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
        for (const implemented of clause.types)
          bases.push(this.context.checker.getTypeAtLocation(implemented));
      }
      for (const base of bases) {
        const key = this.keys.ofType(base);
        if (key === undefined) continue;
        found.add(key);
        const baseDeclaration = declarationOf(base.symbol);
        if (baseDeclaration) this.context.touched.add(baseDeclaration.getSourceFile().fileName);
        visit(base, baseDeclaration);
      }
    };
    visit(this.context.checker.getDeclaredTypeOfSymbol(symbol), declaration);
    return [...found].sort();
  }

  /**
   * Constructor parameters: the class's own, read from their type annotations, or, without
   * an own constructor, the inherited ones (with the base's type arguments applied).
   */
  params(declaration: ts.ClassDeclaration, symbol: ts.Symbol): ScannedParam[] {
    const { checker } = this.context;
    const constructors = declaration.members.filter(ts.isConstructorDeclaration);
    const own = constructors.find((c) => c.body !== undefined) ?? constructors[0];
    if (own !== undefined) {
      return own.parameters.map((node) =>
        this.param(node, node.type && checker.getTypeFromTypeNode(node.type)),
      );
    }
    if (!hasExtends(declaration)) return [];
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

  private param(node: ts.ParameterDeclaration, declaredType: ts.Type | undefined): ScannedParam {
    const { checker } = this.context;
    this.context.touched.add(node.getSourceFile().fileName);
    const base = {
      name: ts.isIdentifier(node.name) ? node.name.text : node.name.getText(),
      location: locate(this.context, node.name),
      typeText: node.type ? node.type.getText() : "",
      rest: node.dotDotDotToken !== undefined,
      optional: node.questionToken !== undefined || node.initializer !== undefined,
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
      return {
        ...base,
        optional,
        multi: false,
        wrapper: "value",
        target: unsupported("its type is a union"),
      };
    }
    type = stripped;
    let wrapper: ScannedParam["wrapper"] = "value";
    const wrapped = this.wrapperOf(type);
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

  private target(type: ts.Type): ParamTarget {
    const declaration = declarationOf(type.symbol);
    const key = declaration && this.keys.ofType(type);
    if (declaration === undefined || key === undefined) {
      return unsupported(`no module can provide \`${this.context.checker.typeToString(type)}\``);
    }
    const name = type.symbol.name;
    if (ts.isInterfaceDeclaration(declaration)) return { kind: "interface", key, name };
    const abstract = (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Abstract) !== 0;
    return { kind: "class", key, name, abstract };
  }

  /** Whether `onInit` (own or inherited) is async or returns a Promise type, and where it is declared. */
  onInit(
    classDeclaration: ts.ClassDeclaration,
    symbol: ts.Symbol,
  ): { async: boolean; location: Location | undefined } {
    const { checker } = this.context;
    const own = classDeclaration.members.some(
      (m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === "onInit",
    );
    // no onInit of its own and nothing to inherit one from: no need to ask the checker
    if (!own && !hasExtends(classDeclaration)) return { async: false, location: undefined };
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
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

function hasExtends(declaration: ts.ClassDeclaration): boolean {
  return declaration.heritageClauses?.some((c) => c.token === ts.SyntaxKind.ExtendsKeyword) === true;
}

function unsupported(reason: string): ParamTarget {
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

function isPromiseLike(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(isPromiseLike);
  const name = type.symbol?.name;
  return name === "Promise" || name === "PromiseLike";
}
