/**
 * The migration model -> edits: `@Module` with the right scope and `inject`, `implements` for
 * bound interfaces, `Lazy<X>`, `T[]`, optional parameters, and bindings removed (classes) or
 * turned into `provide(...)` (values and factories). What cannot be converted is left as it
 * was and listed.
 */
import { Node, SyntaxKind, type ClassDeclaration, type ParameterDeclaration } from "ts-morph";
import type { Scope } from "@modreg/core";
import { ProjectEdits, relativeSpecifier } from "./edits.js";
import type { Binding, InjectableClass, LeftItem, ParamInjection, ProjectModel, TokenRef } from "./model.js";
import { providerFor, type ProviderPlan } from "./providers.js";

/** What the converter did, for the summary. */
export interface Converted {
  readonly node: Node;
  readonly what: string;
}

export interface ConvertContext {
  readonly importStyle: "js" | "extensionless";
  /** Only files for which this is true are edited (inside the project, not node_modules). */
  readonly editable: (file: string) => boolean;
}

interface ClassPlan {
  readonly decl: ClassDeclaration;
  readonly entry: InjectableClass | undefined;
  scope: Scope | undefined;
  readonly inject: Map<string, string>;
  /** Interfaces or classes it provides once converted (heritage plus what bindings add). */
  readonly provides: Set<Node>;
}

const MODREG = "@modreg/core";

export function convert(
  model: ProjectModel,
  context: ConvertContext,
): { edits: ProjectEdits; converted: Converted[]; left: LeftItem[] } {
  const edits = new ProjectEdits();
  const converted: Converted[] = [];
  const left = [...model.left];
  const plans = new Map<ClassDeclaration, ClassPlan>();
  const planOf = (decl: ClassDeclaration, entry?: InjectableClass): ClassPlan => {
    let plan = plans.get(decl);
    if (plan === undefined) {
      plan = { decl, entry, scope: entry?.scope, inject: new Map(), provides: heritageOf(decl) };
      plans.set(decl, plan);
    }
    return plan;
  };
  for (const entry of model.classes) planOf(entry.decl, entry);

  // The type each name token is injected as: what bound classes must implement.
  const typeOfToken = new Map<string, Node>();
  for (const p of model.params) {
    if (p.token?.kind !== "name") continue;
    const decl = declaredTypeOf(p.param, p.multi);
    if (decl !== undefined && !typeOfToken.has(p.token.key)) typeOfToken.set(p.token.key, decl);
  }

  const byToken = new Map<string, Binding[]>();
  const providers: ProviderPlan[] = [];
  for (const binding of model.bindings) {
    const file = binding.statement.getSourceFile().getFilePath();
    if (!context.editable(file)) continue;
    if (binding.target.kind === "class") {
      const plan = planOf(binding.target.decl);
      plan.scope ??= binding.scope;
      const wanted = binding.token.kind === "class" ? binding.token.decl : typeOfToken.get(binding.token.key);
      if (wanted !== undefined && wanted !== binding.target.decl && !plan.provides.has(wanted)) {
        if (!Node.isInterfaceDeclaration(wanted)) {
          left.push({
            node: binding.statement,
            code: "MR2022",
            reason: `${binding.target.decl.getName() ?? "the class"} is bound to ${tokenText(binding.token)} but does not extend it`,
          });
          continue;
        }
        addImplements(binding.target.decl, wanted, edits, context);
        plan.provides.add(wanted);
      }
    } else {
      const provider = providerFor(binding, typeOfToken.get(keyOf(binding.token)), context, edits);
      if (typeof provider === "string") {
        left.push({ node: binding.statement, code: "MR2022", reason: provider });
        continue;
      }
      providers.push(provider);
    }
    removeStatement(binding.statement, edits);
    converted.push({ node: binding.statement, what: `binding of ${tokenText(binding.token)}` });
    const list = byToken.get(keyOf(binding.token)) ?? [];
    list.push(binding);
    byToken.set(keyOf(binding.token), list);
  }
  const providerOf = new Map(providers.map((p) => [p.binding, p]));

  const implementations = (decl: Node): number =>
    [...plans.values()].filter((p) => p.provides.has(decl)).length +
    providers.filter((p) => p.provides === decl).length;
  const idOf = (binding: Binding): string =>
    binding.target.kind === "class" ? classId(binding.target.decl) : providerOf.get(binding)!.id;

  for (const p of model.params) {
    const file = p.cls.getSourceFile().getFilePath();
    if (!context.editable(file)) continue;
    const plan = planOf(p.cls);
    const name = p.param.getName();
    const result = paramTarget(p, byToken, idOf, implementations);
    if (typeof result === "object") {
      left.push({ node: p.param, code: result.code, reason: result.reason });
      continue;
    }
    for (const d of p.decorators) removeNode(d, edits);
    if (result !== "") plan.inject.set(name, result);
    if (p.lazy && !makeLazy(p, edits, left)) continue;
    if (p.optional) makeOptional(p.param, edits);
    converted.push({
      node: p.param,
      what: `parameter ${name}${result !== "" ? ` (inject "${result}")` : ""}${p.lazy ? " as Lazy" : ""}${p.multi ? " as an array" : ""}${p.optional ? " as optional" : ""}`,
    });
  }

  for (const plan of plans.values()) {
    const file = plan.decl.getSourceFile().getFilePath();
    if (!context.editable(file)) continue;
    writeModuleDecorator(plan, plan.scope ?? model.defaultScope, edits);
    edits.need(file, MODREG, "Module", "value");
    if (plan.entry?.scopeNote !== undefined) {
      left.push({ node: plan.entry.decorator ?? plan.decl, code: "MR2024", reason: plan.entry.scopeNote });
    }
    converted.push({
      node: plan.decl,
      what: `class ${classId(plan.decl)} (${plan.scope ?? model.defaultScope})`,
    });
  }
  return { edits, converted, left };
}

/** "" to drop the decorator (the type says it all), an id for `inject`, or why it is left. */
function paramTarget(
  p: ParamInjection,
  byToken: ReadonlyMap<string, Binding[]>,
  idOf: (b: Binding) => string,
  implementations: (decl: Node) => number,
): string | { code: LeftItem["code"]; reason: string } {
  const declared = declaredTypeOf(p.param, p.multi);
  if (p.token === undefined) return "";
  const all = byToken.get(keyOf(p.token)) ?? [];
  const bindings =
    p.constraint !== undefined
      ? all.filter((b) => b.constraint === p.constraint)
      : all.filter((b) => b.constraint === undefined).length > 0
        ? all.filter((b) => b.constraint === undefined)
        : all;
  if (p.multi) {
    if (!isArrayType(p.param))
      return { code: "MR2023", reason: "an @injectAll/@multiInject parameter whose type is not an array" };
    return "";
  }
  const chosen = bindings.at(-1);
  if (chosen === undefined) {
    if (p.token.kind === "class") return declared === p.token.decl ? "" : classId(p.token.decl);
    if (declared !== undefined && implementations(declared) === 1 && p.constraint === undefined) return "";
    return { code: "MR2021", reason: `no registration of ${p.token.text} was found to choose a module by` };
  }
  const id = idOf(chosen);
  if (chosen.target.kind === "class" && declared === chosen.target.decl) return "";
  if (
    declared !== undefined &&
    !Node.isClassDeclaration(declared) &&
    implementations(declared) === 1 &&
    all.length === 1
  )
    return "";
  if (
    declared !== undefined &&
    Node.isClassDeclaration(declared) &&
    declared.isAbstract() &&
    implementations(declared) === 1 &&
    all.length === 1
  )
    return "";
  return id;
}

/** The interface or class a parameter's type names (the element type for arrays, the inner type of Lazy). */
function declaredTypeOf(param: ParameterDeclaration, multi: boolean): Node | undefined {
  let type = param.getType();
  if (type.isUnion()) type = type.getUnionTypes().find((t) => !t.isUndefined()) ?? type;
  if (multi) type = type.getArrayElementType() ?? type;
  const symbol = type.getAliasSymbol() ?? type.getSymbol();
  const decl = symbol?.getDeclarations()[0];
  return decl !== undefined && (Node.isInterfaceDeclaration(decl) || Node.isClassDeclaration(decl))
    ? decl
    : undefined;
}

function isArrayType(param: ParameterDeclaration): boolean {
  const type = param.getType();
  return type.isArray() || type.isReadonlyArray?.() === true || /^readonly .*\[\]$/.test(type.getText());
}

/** The classes and interfaces a class names in `extends`/`implements` (transitively for classes). */
function heritageOf(decl: ClassDeclaration): Set<Node> {
  const found = new Set<Node>();
  const visit = (cls: ClassDeclaration): void => {
    for (const impl of cls.getImplements()) {
      let symbol = impl.getExpression().getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
      for (const d of symbol?.getDeclarations() ?? []) found.add(d);
    }
    const base = cls.getBaseClass();
    if (base !== undefined && !found.has(base)) {
      found.add(base);
      visit(base);
    }
  };
  visit(decl);
  return found;
}

function addImplements(
  cls: ClassDeclaration,
  iface: Node,
  edits: ProjectEdits,
  context: ConvertContext,
): void {
  const name = (iface as unknown as { getName(): string }).getName();
  const file = cls.getSourceFile().getFilePath();
  const clause = cls.getHeritageClauseByKind(SyntaxKind.ImplementsKeyword);
  if (clause !== undefined) edits.insert(file, clause.getEnd(), `, ${name}`);
  else {
    const brace = cls.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken);
    edits.insert(file, brace.getStart(), `implements ${name} `);
  }
  const ifaceFile = iface.getSourceFile().getFilePath();
  if (ifaceFile !== file && cls.getSourceFile().getLocal(name) === undefined) {
    edits.need(file, relativeSpecifier(file, ifaceFile, context.importStyle), name, "type");
  }
}

function writeModuleDecorator(plan: ClassPlan, scope: Scope, edits: ProjectEdits): void {
  const options: string[] = [];
  if (scope !== "singleton") options.push(`scope: "${scope}"`);
  if (plan.inject.size > 0) {
    const entries = [...plan.inject].map(([param, id]) => `${param}: ${JSON.stringify(id)}`);
    options.push(`inject: { ${entries.join(", ")} }`);
  }
  const text = `@Module(${options.length > 0 ? `{ ${options.join(", ")} }` : ""})`;
  const file = plan.decl.getSourceFile().getFilePath();
  const decorator = plan.entry?.decorator;
  if (decorator !== undefined) edits.add(file, decorator.getStart(), decorator.getEnd(), text);
  else {
    const indent = " ".repeat(plan.decl.getStart() - plan.decl.getStartLinePos());
    edits.insert(file, plan.decl.getStart(), `${text}\n${indent}`);
  }
  if (!plan.decl.isExported() && Node.isSourceFile(plan.decl.getParent())) {
    const keyword = plan.decl.getFirstChildByKindOrThrow(SyntaxKind.ClassKeyword);
    const modifier = plan.decl.getModifiers().find((m) => !Node.isDecorator(m));
    edits.insert(file, (modifier ?? keyword).getStart(), "export ");
  }
}

/** `foo: Foo` -> `foo: Lazy<Foo>`, and each `this.foo` (or `foo` in the constructor) -> a call. */
function makeLazy(p: ParamInjection, edits: ProjectEdits, left: LeftItem[]): boolean {
  const typeNode = p.param.getTypeNode();
  const file = p.param.getSourceFile().getFilePath();
  if (typeNode === undefined) {
    left.push({
      node: p.param,
      code: "MR2023",
      reason: "a delayed parameter without a type annotation: write Lazy<X>",
    });
    return false;
  }
  edits.add(file, typeNode.getStart(), typeNode.getEnd(), `Lazy<${typeNode.getText()}>`);
  edits.need(file, MODREG, "Lazy", "type");
  const name = p.param.getName();
  const ctor = p.param.getParentOrThrow();
  if (p.param.isParameterProperty()) {
    p.cls.forEachDescendant((node) => {
      if (
        Node.isPropertyAccessExpression(node) &&
        node.getName() === name &&
        node.getExpression().getKind() === SyntaxKind.ThisKeyword
      ) {
        edits.insert(file, node.getEnd(), "()");
      }
    });
  }
  const symbol = p.param.getSymbol();
  ctor.forEachDescendant((node) => {
    if (Node.isIdentifier(node) && node !== p.param.getNameNode() && node.getSymbol() === symbol) {
      const parent = node.getParent();
      if (Node.isShorthandPropertyAssignment(parent)) edits.insert(file, node.getEnd(), `: ${name}()`);
      else edits.insert(file, node.getEnd(), "()");
    }
  });
  return true;
}

/** `x: T` -> `x?: T`, or `x: T | undefined` when a required parameter follows. */
function makeOptional(param: ParameterDeclaration, edits: ProjectEdits): void {
  if (param.hasQuestionToken() || param.hasInitializer()) return;
  const file = param.getSourceFile().getFilePath();
  const later = param
    .getParentOrThrow()
    .getChildrenOfKind(SyntaxKind.Parameter)
    .filter((q) => q.getStart() > param.getStart());
  const typeNode = param.getTypeNode();
  if (later.every((q) => q.hasQuestionToken() || q.hasInitializer()) || typeNode === undefined) {
    edits.insert(file, param.getNameNode().getEnd(), "?");
  } else {
    edits.insert(file, typeNode.getEnd(), " | undefined");
  }
}

function removeNode(node: Node, edits: ProjectEdits): void {
  const text = node.getSourceFile().getFullText();
  let end = node.getEnd();
  while (end < text.length && (text[end] === " " || text[end] === "\t")) end++;
  if (text[end] === "\n") {
    // a decorator on its own line: remove the line
    let start = node.getStart();
    while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start--;
    if (start === 0 || text[start - 1] === "\n")
      return edits.add(node.getSourceFile().getFilePath(), start, end + 1, "");
  }
  edits.add(node.getSourceFile().getFilePath(), node.getStart(), end, "");
}

function removeStatement(statement: Node, edits: ProjectEdits): void {
  removeNode(statement, edits);
}

export function classId(decl: ClassDeclaration): string {
  return decl.getName() ?? "default";
}

function keyOf(token: TokenRef): string {
  return token.kind === "class"
    ? `class:${token.decl.getSourceFile().getFilePath()}:${String(token.decl.getStart())}`
    : token.key;
}

function tokenText(token: TokenRef): string {
  return token.text;
}

export { keyOf as tokenKey };
