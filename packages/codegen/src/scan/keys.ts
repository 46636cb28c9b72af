import { ts } from "ts-morph";
import type { Location, TypeDeclaration } from "../records.js";
import { locate, type ScanContext } from "./context.js";
import { relativePosix } from "./packages.js";

type NamedDeclaration = ts.ClassDeclaration | ts.InterfaceDeclaration;

/**
 * Interface keys: `<package name>#<Name>` for a declaration in a named package, else
 * `<project-relative path>#<Name>`. A plugin package that implements a host's interface
 * reaches the same declaration file through the host package, so both compute the same key.
 * Generic instantiations append their type arguments: `host#Repo<host#User>`.
 */
export class TypeKeys {
  private readonly byNode = new Map<ts.Node, string>();
  private used = new Map<string, KeyedDeclaration>();
  private clashes: KeyedDeclaration[] = [];

  constructor(private readonly context: ScanContext) {}

  /** The key of a class or interface declaration (`default` for an anonymous default-exported class). */
  ofDeclaration(declaration: NamedDeclaration): string {
    const name = declaration.name?.text ?? "default";
    let key = this.byNode.get(declaration);
    if (key === undefined) {
      const sourceFile = declaration.getSourceFile();
      let owner: string;
      // only a declaration file can be a default lib; asking the program then costs nothing
      // more, since such declarations are reached through the checker
      const lib =
        sourceFile.isDeclarationFile &&
        (sourceFile.hasNoDefaultLib || this.context.program.isSourceFileDefaultLibrary(sourceFile));
      if (lib) owner = "lib";
      else
        owner =
          this.context.packages.ofFile(sourceFile.fileName) ??
          relativePosix(this.context.projectDir, sourceFile.fileName);
      key = `${owner}#${name}`;
      this.byNode.set(declaration, key);
    }
    this.context.touched.add(declaration.getSourceFile().fileName);
    this.record(key, declaration, name, false);
    return key;
  }

  /** The key of a class or interface type, with its type arguments; `undefined` for other types. */
  ofType(type: ts.Type): string | undefined {
    const declaration = declarationOf(type.symbol);
    if (declaration === undefined) return undefined;
    const base = this.ofDeclaration(declaration);
    const name = declaration.name?.text ?? "default";
    const args = typeArgumentsOf(this.context.checker, type);
    if (args.length === 0) return base;
    const key = `${base}<${args.map((arg) => this.ofType(arg) ?? this.context.checker.typeToString(arg)).join(",")}>`;
    this.record(key, declaration, name, true);
    return key;
  }

  /** The declarations keyed since the last call: what one file's records refer to. */
  take(): KeyedDeclaration[] {
    const used = [...this.used.values(), ...this.clashes];
    this.used = new Map();
    this.clashes = [];
    return used;
  }

  private record(key: string, declaration: NamedDeclaration, name: string, generic: boolean): void {
    const sourceFile = declaration.getSourceFile();
    const identity = generic ? key : `${sourceFile.fileName}:${declaration.pos}`;
    const seen = this.used.get(key);
    if (seen?.identity === identity) return;
    if (seen !== undefined && this.clashes.some((c) => c.identity === identity && c.declaration.key === key))
      return;
    const entry: KeyedDeclaration = {
      identity,
      declaration: {
        key,
        name,
        kind: ts.isClassDeclaration(declaration) ? "class" : "interface",
        fileName: sourceFile.fileName,
        importable:
          !generic &&
          !sourceFile.isDeclarationFile &&
          isExportedAs(declaration, name) &&
          !/[\\/]node_modules[\\/]/.test(sourceFile.fileName),
        generic,
        location: locate(this.context, declaration.name ?? declaration),
      },
    };
    // a second declaration under a key already used is kept aside: `mergeKeys` reports it
    if (seen === undefined) this.used.set(key, entry);
    else this.clashes.push(entry);
  }
}

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
  const clashes = new Map<string, Map<string, Location>>();
  for (const table of tables) {
    for (const entry of table) {
      const key = entry.declaration.key;
      const seen = first.get(key);
      if (seen === undefined) first.set(key, entry);
      else if (seen.identity !== entry.identity) {
        const locations = clashes.get(key) ?? new Map([[seen.identity, seen.declaration.location]]);
        locations.set(entry.identity, entry.declaration.location);
        clashes.set(key, locations);
      }
    }
  }
  const declarations = new Map([...first].map(([key, entry]) => [key, entry.declaration]));
  const collisions = [...clashes]
    .map(([key, locations]) => ({ key, locations: [...locations.values()] }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { declarations, collisions };
}

/** The class or interface declaration behind a symbol (the first, for merged declarations). */
export function declarationOf(symbol: ts.Symbol | undefined): NamedDeclaration | undefined {
  return symbol?.declarations?.find(
    (d): d is NamedDeclaration => ts.isClassDeclaration(d) || ts.isInterfaceDeclaration(d),
  );
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
