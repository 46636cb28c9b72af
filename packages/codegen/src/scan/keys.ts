import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import type { Location, TypeDeclaration } from "../records.js";
import { locate, type ScanContext } from "./context.js";
import { relativePosix } from "./packages.js";

/** What can be injected by type: a class, an interface, or an object `type` alias. */
export type NamedDeclaration = ts.ClassDeclaration | ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

/** Type parameters bound to the keys of their arguments while walking a generic heritage chain. */
export type Substitution = ReadonlyMap<ts.Type, KeyAndName>;

/** A key and the name messages and token names use for it (`Repo<User>`). */
export interface KeyAndName {
  readonly key: string;
  readonly name: string;
}

/**
 * Interface keys name a declaration by its identity: `<package>:<file>#<Name>`, where
 * `<file>` is the declaring file's path inside its package without the extension, and
 * `<Name>` is qualified by the namespaces around it. Without a named package.json the key is
 * `<project-relative file>#<Name>`. Every consumer of a shared package reaches the same file,
 * so a plugin computes the key its host injects; a `.d.ts` with a declaration map is keyed by
 * the source file it was built from, so a host's `src/x.ts` and its published `dist/x.d.ts`
 * agree. Generic instantiations append their type arguments' keys
 * (`host:src/repo#Repo<host:src/user#User>`); an argument that is not a named declaration is
 * referenced (`typeof schema`) or hashed, never printed out.
 */
export class TypeKeys {
  private readonly byNode = new Map<ts.Node, string>();
  private readonly ownerOfFile = new Map<string, string>();
  private used = new Map<string, KeyedDeclaration>();
  private clashes: KeyedDeclaration[] = [];

  constructor(private readonly context: ScanContext) {}

  /** The key of a class, interface or type alias declaration (`default` for an anonymous default-exported class). */
  ofDeclaration(node: NamedDeclaration): string {
    const declaration = canonical(node);
    const name = declaredName(declaration);
    let key = this.byNode.get(declaration);
    if (key === undefined) {
      key = `${this.ownerOf(declaration.getSourceFile())}#${qualifiedName(declaration)}`;
      this.byNode.set(declaration, key);
    }
    this.context.touched.add(declaration.getSourceFile().fileName);
    this.record(key, declaration, name, false);
    return key;
  }

  /** The key of a class, interface or object alias type, with its type arguments; `undefined` for other types. */
  ofType(type: ts.Type, substitution?: Substitution): string | undefined {
    return this.describe(type, substitution)?.key;
  }

  /** Key and display name (`Repo<User>`) of a class, interface or object alias type; `undefined` for other types. */
  describe(type: ts.Type, substitution?: Substitution): KeyAndName | undefined {
    const found = injectableOf(this.context.checker, type);
    if (found === undefined) return undefined;
    const base = this.ofDeclaration(found.declaration);
    const name = declaredName(canonical(found.declaration));
    if (found.args.length === 0) return { key: base, name };
    const args = found.args.map((arg) => this.argumentOf(arg, substitution));
    const described = {
      key: `${base}<${args.map((a) => a.key).join(",")}>`,
      name: `${name}<${args.map((a) => a.name).join(", ")}>`,
    };
    this.record(described.key, canonical(found.declaration), described.name, true);
    return described;
  }

  /** The declarations keyed since the last call: what one file's records refer to. */
  take(): KeyedDeclaration[] {
    const used = [...this.used.values(), ...this.clashes];
    this.used = new Map();
    this.clashes = [];
    return used;
  }

  /** A type argument's key: a named declaration's key, a primitive's text, a reference, or a hash. */
  argumentOf(arg: ts.Type, substitution: Substitution | undefined): KeyAndName {
    const { checker } = this.context;
    if (arg.flags & ts.TypeFlags.TypeParameter) {
      const bound = substitution?.get(arg);
      if (bound !== undefined) return bound;
      const name = arg.symbol?.name ?? "T";
      return { key: name, name };
    }
    const named = this.describe(arg, substitution);
    if (named !== undefined) return named;
    if (arg.flags & SHORT_TYPES) {
      const text = checker.typeToString(arg);
      return { key: text, name: text };
    }
    if (checker.isArrayType(arg)) {
      const element = this.argumentOf(checker.getTypeArguments(arg as ts.TypeReference)[0]!, substitution);
      return { key: `${element.key}[]`, name: `${element.name}[]` };
    }
    const reference = this.referenceOf(arg);
    if (reference !== undefined) return reference;
    // an anonymous type: short and stable, whatever its size
    const text = checker.typeToString(arg, undefined, ts.TypeFormatFlags.NoTruncation);
    const hash = createHash("sha256").update(text).digest("hex").slice(0, 12);
    return { key: `#${hash}`, name: "{…}" };
  }

  /** `typeof someConst`, `typeof import("./schema")`, a named non-object alias: the declaration it comes from. */
  private referenceOf(type: ts.Type): KeyAndName | undefined {
    const alias = type.aliasSymbol?.declarations?.find(ts.isTypeAliasDeclaration);
    if (alias !== undefined) {
      const name = alias.name.text;
      return { key: `${this.ownerOf(alias.getSourceFile())}#${qualifiedName(alias)}`, name };
    }
    const declaration = type.symbol?.declarations?.[0];
    if (declaration === undefined) return undefined;
    const named = namedAncestor(declaration);
    if (named === undefined) return undefined;
    const sourceFile = declaration.getSourceFile();
    this.context.touched.add(sourceFile.fileName);
    const name = `typeof ${named}`;
    return { key: `${this.ownerOf(sourceFile)}#${name}`, name };
  }

  /** `<package>:<file in package>` or `<project-relative file>`, without the extension; `lib` for the default lib. */
  private ownerOf(sourceFile: ts.SourceFile): string {
    let owner = this.ownerOfFile.get(sourceFile.fileName);
    if (owner !== undefined) return owner;
    // only a declaration file can be a default lib; asking the program then costs nothing
    // more, since such declarations are reached through the checker
    const lib =
      sourceFile.isDeclarationFile &&
      (sourceFile.hasNoDefaultLib || this.context.program.isSourceFileDefaultLibrary(sourceFile));
    if (lib) owner = "lib";
    else {
      const pkg = this.context.packages.infoOfFile(sourceFile.fileName);
      const fileName = sourceFile.isDeclarationFile
        ? (sourceOfDeclarationFile(sourceFile.fileName, pkg?.root) ?? sourceFile.fileName)
        : sourceFile.fileName;
      const file = withoutExtension(relativePosix(pkg?.root ?? this.context.projectDir, fileName));
      owner = pkg === undefined ? file : `${pkg.name}:${file}`;
    }
    this.ownerOfFile.set(sourceFile.fileName, owner);
    return owner;
  }

  private record(key: string, declaration: NamedDeclaration, name: string, generic: boolean): void {
    const sourceFile = declaration.getSourceFile();
    const identity = generic ? key : `${sourceFile.fileName}:${declaration.pos}`;
    const seen = this.used.get(key);
    if (seen?.identity === identity) return;
    if (seen !== undefined && this.clashes.some((c) => c.identity === identity && c.declaration.key === key))
      return;
    const outside = sourceFile.isDeclarationFile || /[\\/]node_modules[\\/]/.test(sourceFile.fileName);
    const entry: KeyedDeclaration = {
      identity,
      declaration: {
        key,
        name,
        kind: ts.isClassDeclaration(declaration) ? "class" : "interface",
        fileName: sourceFile.fileName,
        importable: !generic && !outside && isExportedAs(declaration, name),
        generic,
        external:
          outside ||
          this.context.packages.ofFile(sourceFile.fileName) !==
            this.context.packages.ofDirectory(this.context.projectDir),
        location: locate(this.context, declaration.name ?? declaration),
      },
    };
    // a second declaration under a key already used is kept aside: `mergeKeys` reports it
    if (seen === undefined) this.used.set(key, entry);
    else this.clashes.push(entry);
  }
}

/** Flags of types whose text is short: primitives and literals. */
const SHORT_TYPES =
  ts.TypeFlags.String |
  ts.TypeFlags.Number |
  ts.TypeFlags.Boolean |
  ts.TypeFlags.BigInt |
  ts.TypeFlags.ESSymbol |
  ts.TypeFlags.Void |
  ts.TypeFlags.Undefined |
  ts.TypeFlags.Null |
  ts.TypeFlags.Any |
  ts.TypeFlags.Unknown |
  ts.TypeFlags.Never |
  ts.TypeFlags.StringLiteral |
  ts.TypeFlags.NumberLiteral |
  ts.TypeFlags.BooleanLiteral |
  ts.TypeFlags.BigIntLiteral;

/** A keyed declaration and what identifies it: two different identities under one key collide. */
export interface KeyedDeclaration {
  readonly identity: string;
  readonly declaration: TypeDeclaration;
}

/** Merges per-file key tables in file order; keys that different declarations share are collisions. */
export function mergeKeys(tables: Iterable<readonly KeyedDeclaration[]>): {
  declarations: Map<string, TypeDeclaration>;
  collisions: { key: string; locations: Location[] }[];
} {
  const first = new Map<string, KeyedDeclaration>();
  const declarations = new Map<string, TypeDeclaration>();
  const clashes = new Map<string, Map<string, Location>>();
  for (const table of tables) {
    for (const entry of table) {
      const key = entry.declaration.key;
      const seen = first.get(key);
      if (seen === undefined) {
        first.set(key, entry);
        declarations.set(key, entry.declaration);
      } else if (seen.identity !== entry.identity) {
        const locations = clashes.get(key) ?? new Map([[seen.identity, seen.declaration.location]]);
        locations.set(entry.identity, entry.declaration.location);
        clashes.set(key, locations);
      }
    }
  }
  const collisions = [...clashes]
    .map(([key, locations]) => ({ key, locations: [...locations.values()] }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { declarations, collisions };
}

/** A merge of key tables, and the tables it merged. */
export interface KeyMerge extends ReturnType<typeof mergeKeys> {
  readonly tables: readonly (readonly KeyedDeclaration[])[];
}

/**
 * `mergeKeys` again after some tables changed (`--watch`; a table that did not change is the
 * same array): only the keys a changed table had or has are merged again, the rest of `last`
 * stands. The answer is the full merge's (map order aside: `types` is only looked up).
 */
export function remergeKeys(
  last: KeyMerge | undefined,
  tables: readonly (readonly KeyedDeclaration[])[],
): KeyMerge {
  if (last === undefined || last.tables.length !== tables.length) return { tables, ...mergeKeys(tables) };
  const affected = new Set<string>();
  tables.forEach((table, i) => {
    const before = last.tables[i]!;
    if (before === table) return;
    for (const entry of before) affected.add(entry.declaration.key);
    for (const entry of table) affected.add(entry.declaration.key);
  });
  if (affected.size === 0) return { ...last, tables };
  const again = mergeKeys(affectedEntries(tables, affected));
  const declarations = new Map(last.declarations);
  for (const key of affected) declarations.delete(key);
  for (const [key, declaration] of again.declarations) declarations.set(key, declaration);
  const collisions = [...last.collisions.filter((c) => !affected.has(c.key)), ...again.collisions].sort(
    (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return { tables, declarations, collisions };
}

/** The entries of `keys`, table by table, in order. */
function* affectedEntries(
  tables: readonly (readonly KeyedDeclaration[])[],
  keys: ReadonlySet<string>,
): Generator<KeyedDeclaration[]> {
  for (const table of tables) {
    const entries = table.filter((entry) => keys.has(entry.declaration.key));
    if (entries.length > 0) yield entries;
  }
}

/**
 * The class or interface declaration behind a symbol. A class merged with an interface (one
 * symbol, two declarations) is one type: the class is preferred, else the first interface.
 */
export function declarationOf(
  symbol: ts.Symbol | undefined,
): ts.ClassDeclaration | ts.InterfaceDeclaration | undefined {
  const declarations = symbol?.declarations;
  return declarations?.find(ts.isClassDeclaration) ?? declarations?.find(ts.isInterfaceDeclaration);
}

/**
 * What a type can be injected as: a class or interface (with its type arguments), or an
 * object `type` alias (`type Logger = { log(): void }`, also generic); `undefined` otherwise.
 */
export function injectableOf(
  checker: ts.TypeChecker,
  type: ts.Type,
): { declaration: NamedDeclaration; args: readonly ts.Type[] } | undefined {
  const declaration = declarationOf(type.symbol);
  if (declaration !== undefined) return { declaration, args: typeArgumentsOf(checker, type) };
  const alias = type.aliasSymbol?.declarations?.find(ts.isTypeAliasDeclaration);
  if (alias !== undefined && isObjectAlias(alias))
    return { declaration: alias, args: type.aliasTypeArguments ?? [] };
  return undefined;
}

/** `type X = { ... }`: an object type literal (or an intersection of them), injectable like an interface. */
function isObjectAlias(alias: ts.TypeAliasDeclaration): boolean {
  const isObject = (node: ts.TypeNode): boolean =>
    ts.isTypeLiteralNode(node) ||
    (ts.isIntersectionTypeNode(node) &&
      node.types.every((t) => ts.isTypeLiteralNode(t) || ts.isTypeReferenceNode(t)));
  return isObject(alias.type);
}

/** The type arguments a reference was instantiated with, without the implicit `this` type. */
export function typeArgumentsOf(checker: ts.TypeChecker, type: ts.Type): readonly ts.Type[] {
  if (
    !(type.flags & ts.TypeFlags.Object) ||
    !((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)
  ) {
    return [];
  }
  const reference = type as ts.TypeReference;
  const target = reference.target as ts.InterfaceType;
  const count = target.typeParameters?.length ?? 0;
  if (count === 0 || reference.target === (reference as ts.Type)) return [];
  const args = checker.getTypeArguments(reference).slice(0, count);
  // the declared type of a generic class refers to its own type parameters: not an instantiation
  return args.every((arg, i) => arg === target.typeParameters![i]) ? [] : args;
}

/** The declared name; `default` only for an anonymous default-exported class. */
export function declaredName(declaration: NamedDeclaration): string {
  return declaration.name?.text ?? "default";
}

/** One symbol is one type: merged declarations are keyed through the symbol's first class or interface. */
function canonical(declaration: NamedDeclaration): NamedDeclaration {
  // bound nodes carry their symbol (the checker binds every file); unbound ones (the
  // syntactic fast path) are plain, unmerged declarations already
  const symbol = (declaration as { symbol?: ts.Symbol }).symbol;
  if (ts.isTypeAliasDeclaration(declaration)) return declaration;
  return declarationOf(symbol) ?? declaration;
}

/** The name inside the namespaces (and ambient modules) that declare it: `NodeJS.EventEmitter`. */
function qualifiedName(declaration: NamedDeclaration): string {
  const parts = [declaredName(declaration)];
  for (let node = declaration.parent; !ts.isSourceFile(node); node = node.parent) {
    if (!ts.isModuleDeclaration(node)) continue;
    // `declare global { namespace NodeJS { ... } }` names `NodeJS.X`, wherever it is written
    if (node.flags & ts.NodeFlags.GlobalAugmentation) break;
    parts.unshift(node.name.text);
  }
  return parts.join(".");
}

/** The nearest name a declaration sits under: a variable, function, class, or the file for a module namespace. */
function namedAncestor(declaration: ts.Node): string | undefined {
  for (let node: ts.Node | undefined = declaration; node !== undefined; node = node.parent) {
    if (ts.isSourceFile(node)) return `import("${path.basename(withoutExtension(node.fileName))}")`;
    if (
      (ts.isVariableDeclaration(node) ||
        ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isEnumDeclaration(node) ||
        ts.isModuleDeclaration(node)) &&
      node.name !== undefined &&
      ts.isIdentifier(node.name)
    ) {
      return node.name.text;
    }
  }
  return undefined;
}

/** `src/logger.ts` → `src/logger`; also `.tsx`, `.mts`, `.cts`, `.d.ts` and `.js` variants. */
function withoutExtension(file: string): string {
  return file.replace(/(?:\.d)?\.[cm]?[tj]sx?$/, "");
}

const sourceOfDeclaration = new Map<string, string | undefined>();

/**
 * The source file a `.d.ts` was built from, read from its declaration map (`x.d.ts.map`),
 * when that file is inside the same package: a host's `src/x.ts` and the `dist/x.d.ts` its
 * plugins see get one key.
 */
function sourceOfDeclarationFile(fileName: string, root: string | undefined): string | undefined {
  if (root === undefined) return undefined;
  if (sourceOfDeclaration.has(fileName)) return sourceOfDeclaration.get(fileName);
  let source: string | undefined;
  const map = `${fileName}.map`;
  if (existsSync(map)) {
    try {
      const parsed = JSON.parse(readFileSync(map, "utf8")) as { sources?: unknown; sourceRoot?: unknown };
      const first = Array.isArray(parsed.sources) ? (parsed.sources[0] as unknown) : undefined;
      const sourceRoot = typeof parsed.sourceRoot === "string" ? parsed.sourceRoot : "";
      if (typeof first === "string") {
        const resolved = path.resolve(path.dirname(map), sourceRoot, first);
        if (!path.relative(root, resolved).startsWith("..")) source = resolved;
      }
    } catch {
      // an unreadable map: key by the declaration file itself
    }
  }
  sourceOfDeclaration.set(fileName, source);
  return source;
}

/** True when the declaring file exports the declaration under its own name. */
function isExportedAs(declaration: NamedDeclaration, name: string): boolean {
  const modifiers = ts.getCombinedModifierFlags(declaration);
  if (modifiers & ts.ModifierFlags.Export && !(modifiers & ts.ModifierFlags.Default)) return true;
  return declaration
    .getSourceFile()
    .statements.some(
      (statement) =>
        ts.isExportDeclaration(statement) &&
        !statement.moduleSpecifier &&
        statement.exportClause !== undefined &&
        ts.isNamedExports(statement.exportClause) &&
        statement.exportClause.elements.some(
          (element) =>
            element.name.text === name && (element.propertyName ?? element.name).getText() === name,
        ),
    );
}
