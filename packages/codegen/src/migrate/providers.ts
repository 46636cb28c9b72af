/**
 * Value and factory bindings (`useValue`, `useFactory`, `registerInstance`, `toConstantValue`,
 * `toDynamicValue`) as exported `provide(...)` calls in a `providers.ts` beside the file that
 * held the binding: the composition root usually runs the app, so the generated manifest must
 * not import it. The expression moves as written, with the imports it uses; one that uses a
 * local of its file is left.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Node, SyntaxKind, type ArrowFunction, type Expression } from "ts-morph";
import { relativeSpecifier, type ProjectEdits } from "./edits.js";
import type { Binding } from "./model.js";
import { tokenOf } from "./read-common.js";

export interface ProviderPlan {
  readonly binding: Binding;
  readonly id: string;
  /** The interface or class it provides, when the token is injected as one. */
  readonly provides: Node | undefined;
}

interface ProviderFile {
  readonly copied: Set<string>;
  readonly decls: string[];
  readonly names: Set<string>;
}

const files = new WeakMap<ProjectEdits, Map<string, ProviderFile>>();

/** Plans the provider for a value or factory binding, or says why it cannot. */
export function providerFor(
  binding: Binding,
  provided: Node | undefined,
  context: { readonly importStyle: "js" | "extensionless" },
  edits: ProjectEdits,
): ProviderPlan | string {
  const source = binding.statement.getSourceFile();
  if (binding.target.kind === "class") return "not a value or factory binding";
  if (!Node.isSourceFile(binding.statement.getParent())) {
    return "a value or factory binding inside a function: move it to the top level of a file, then migrate again";
  }
  const target = path.join(path.dirname(source.getFilePath()), "providers.ts");
  const fileName =
    existsSync(target) && !edits.created.has(target)
      ? target.replace(/providers\.ts$/, "modreg-providers.ts")
      : target;
  const copied = new Set<string>();
  const expr = binding.target.kind === "value" ? binding.target.expr : binding.target.fn;
  const freeUse = binding.target.kind === "value" ? freeIdentifiers(expr, copied) : undefined;
  if (freeUse !== undefined) {
    return `${binding.target.kind === "value" ? "the value" : "the factory"} uses ${freeUse}, declared in ${path.basename(source.getFilePath())}: move it to a module of its own, then migrate again`;
  }
  let fnText: string;
  let params = "";
  if (binding.target.kind === "value") fnText = expr.getText();
  else {
    if (!Node.isArrowFunction(expr)) return "a factory that is not an arrow function";
    const rewritten = factoryBody(expr, copied, fileName, context);
    if (typeof rewritten === "string") return rewritten;
    ({ params, body: fnText } = rewritten);
  }
  const id =
    binding.token.kind === "class" ? (binding.token.decl.getName() ?? "default") : binding.token.name;
  const name = providerName(id);
  const providedName =
    provided !== undefined ? (provided as unknown as { getName(): string }).getName() : undefined;
  if (provided !== undefined && providedName !== undefined) {
    edits.need(
      fileName,
      relativeSpecifier(fileName, provided.getSourceFile().getFilePath(), context.importStyle),
      providedName,
      "type",
    );
  }
  const scope = binding.scope ?? (binding.target.kind === "factory" ? "factory" : undefined);
  const options = `{ id: ${JSON.stringify(id)}${scope !== undefined && scope !== "singleton" ? `, scope: "${scope}"` : ""} }`;
  const returns = providedName !== undefined ? `: ${providedName}` : "";
  const body = binding.target.kind === "value" && /^\s*\{/.test(fnText) ? `(${fnText})` : fnText;
  let file = files.get(edits)?.get(fileName);
  if (file === undefined) {
    file = { copied: new Set(), decls: [], names: new Set() };
    let all = files.get(edits);
    if (all === undefined) files.set(edits, (all = new Map<string, ProviderFile>()));
    all.set(fileName, file);
  }
  if (file.names.has(name)) return `a second provider named ${name} in ${path.basename(fileName)}`;
  file.names.add(name);
  for (const line of copied) file.copied.add(line);
  file.decls.push(`export const ${name} = provide(${options}, (${params})${returns} => ${body});\n`);
  edits.need(fileName, "@modreg/core", "provide", "value");
  edits.created.set(fileName, "");
  return { binding, id, provides: provided };
}

/** The text of each new providers file, once every binding was planned. */
export function providerFileTexts(edits: ProjectEdits): Map<string, { copied: string; decls: string }> {
  const out = new Map<string, { copied: string; decls: string }>();
  for (const [fileName, file] of files.get(edits) ?? []) {
    out.set(fileName, { copied: [...file.copied].sort().join(""), decls: file.decls.join("\n") });
  }
  return out;
}

/**
 * Copies the import of every identifier the expression takes from an import; returns the
 * name of one it takes from a local declaration of its file (which cannot move), if any.
 */
function freeIdentifiers(
  expr: Expression,
  copied: Set<string>,
  skip: (node: Node) => boolean = () => false,
): string | undefined {
  const start = expr.getStart();
  const end = expr.getEnd();
  const ids = Node.isIdentifier(expr) ? [expr] : expr.getDescendantsOfKind(SyntaxKind.Identifier);
  for (const id of ids) {
    if (skip(id)) continue;
    const parent = id.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) continue;
    if (
      (Node.isPropertyAssignment(parent) ||
        Node.isPropertySignature(parent) ||
        Node.isMethodDeclaration(parent)) &&
      parent.getNameNode() === id
    )
      continue;
    const decl = id.getSymbol()?.getDeclarations()[0];
    if (decl === undefined) continue;
    if (decl.getSourceFile() !== expr.getSourceFile()) continue; // a global
    if (decl.getStart() >= start && decl.getEnd() <= end) continue; // declared inside
    const line = importLineOf(decl);
    if (line === undefined) return id.getText();
    copied.add(line);
  }
  return undefined;
}

/** `import { X } from "m";` for an import specifier, clause or namespace import. */
function importLineOf(decl: Node): string | undefined {
  const importDecl = decl.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
  if (importDecl === undefined) return undefined;
  const from = JSON.stringify(importDecl.getModuleSpecifierValue());
  const typeOnly = importDecl.isTypeOnly() ? "type " : "";
  if (Node.isImportSpecifier(decl)) return `import ${typeOnly}{ ${decl.getText()} } from ${from};\n`;
  if (Node.isImportClause(decl))
    return `import ${typeOnly}${decl.getDefaultImport()?.getText() ?? ""} from ${from};\n`;
  if (Node.isNamespaceImport(decl)) return `import ${typeOnly}* as ${decl.getName()} from ${from};\n`;
  return undefined;
}

/**
 * A factory `(c) => new Foo(c.resolve(Bar))` as a provider function `(bar: Bar) => new Foo(bar)`:
 * each `c.resolve(X)` / `c.get(X)` of a class becomes a parameter. Any other use of `c` is left.
 */
function factoryBody(
  fn: ArrowFunction,
  copied: Set<string>,
  fileName: string,
  context: { readonly importStyle: "js" | "extensionless" },
): { params: string; body: string } | string {
  const body = fn.getBody();
  const [param, ...more] = fn.getParameters();
  if (more.length > 0) return "a factory with more than one parameter";
  const bodyStart = body.getStart();
  let text = body.getText();
  if (param === undefined) return { params: "", body: text };
  const symbol = param.getSymbol();
  const replacements: { start: number; end: number; name: string }[] = [];
  const params = new Map<string, string>();
  for (const id of body.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (id.getSymbol() !== symbol) continue;
    let access: Node | undefined = id.getParent();
    if (Node.isPropertyAccessExpression(access) && access.getName() === "container")
      access = access.getParent();
    const call = access?.getParent();
    const method = Node.isPropertyAccessExpression(access) ? access.getName() : "";
    if (call === undefined || !Node.isCallExpression(call) || (method !== "resolve" && method !== "get")) {
      return `the factory uses ${param.getName()} other than ${param.getName()}.resolve(SomeClass)`;
    }
    const token = tokenOf(call.getArguments()[0] as Expression | undefined);
    if (token?.kind !== "class")
      return `the factory resolves ${call.getArguments()[0]?.getText() ?? "a token"}, not a class`;
    const className = token.decl.getName() ?? "default";
    const local = className.charAt(0).toLowerCase() + className.slice(1);
    params.set(local, className);
    replacements.push({ start: call.getStart() - bodyStart, end: call.getEnd() - bodyStart, name: local });
    const typeFile = token.decl.getSourceFile().getFilePath();
    copied.add(
      `import type { ${className} } from "${relativeSpecifier(fileName, typeFile, context.importStyle)}";\n`,
    );
  }
  for (const r of replacements.sort((a, b) => b.start - a.start))
    text = text.slice(0, r.start) + r.name + text.slice(r.end);
  const skipParam = (node: Node): boolean =>
    node.getSymbol() === symbol ||
    replacements.some((r) => node.getStart() - bodyStart >= r.start && node.getEnd() - bodyStart <= r.end);
  const free = freeIdentifiers(body as Expression, copied, skipParam);
  if (free !== undefined)
    return `the factory uses ${free}, declared in its file: move it to a module of its own, then migrate again`;
  return { params: [...params].map(([local, type]) => `${local}: ${type}`).join(", "), body: text };
}

/** `API_URL` -> `apiUrlProvider`, `Config` -> `configProvider`. */
function providerName(id: string): string {
  const words = id
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
  const camel = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("");
  return `${/^[0-9]/.test(camel) ? "_" : ""}${camel || "value"}Provider`;
}
