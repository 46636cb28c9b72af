import { ts } from "ts-morph";

type NamedDeclaration = ts.ClassDeclaration | ts.InterfaceDeclaration;

/** Where the resolver finds parsed files: the ts-morph project, without building a program. */
export type SourceFiles = (fileName: string) => ts.SourceFile | undefined;

/**
 * Resolves the common parameter type — a plain name of a class or interface declared in the
 * same file or imported by name from the project file that declares it — from the syntax and
 * TypeScript's module resolution alone, without a program or the type checker (which would
 * parse the lib files, resolve every import of every file, bind every file and resolve every
 * import alias). Anything less plain answers `undefined`, and the caller asks the checker; so
 * this only ever gives the answer the checker would.
 */
export class SyntacticTypes {
  private readonly topLevel = new Map<ts.SourceFile, Map<string, NamedDeclaration | null>>();
  private readonly imports = new Map<
    ts.SourceFile,
    Map<string, { specifier: ts.StringLiteral; name: string }>
  >();
  private readonly cache: ts.ModuleResolutionCache;
  private readonly host: ts.ModuleResolutionHost;

  constructor(
    private readonly sourceFiles: SourceFiles,
    private readonly options: ts.CompilerOptions,
    private readonly touched: Set<string>,
    projectDir: string,
    /** `false` sends every question to the checker (tests compare both answers). */
    readonly enabled = true,
  ) {
    this.cache = ts.createModuleResolutionCache(projectDir, (f) => f, options);
    // parsed project files are known to exist: no file-system probe for them
    this.host = {
      ...ts.sys,
      fileExists: (fileName) => sourceFiles(fileName) !== undefined || ts.sys.fileExists(fileName),
    };
  }

  /** The class or interface `name` refers to at the top level of `file`, when that is plain. */
  resolve(file: ts.SourceFile, name: string): NamedDeclaration | undefined {
    if (!this.enabled) return undefined;
    const local = this.declarations(file).get(name);
    if (local !== undefined) return local ?? undefined;
    const imported = this.importsOf(file).get(name);
    if (imported === undefined) return undefined;
    const resolved = ts.resolveModuleName(
      imported.specifier.text,
      file.fileName,
      this.options,
      this.host,
      this.cache,
    ).resolvedModule?.resolvedFileName;
    const target = resolved === undefined ? undefined : this.sourceFiles(resolved);
    if (target === undefined) return undefined;
    const declaration = this.declarations(target).get(imported.name);
    if (!declaration) return undefined;
    const flags = ts.getCombinedModifierFlags(declaration);
    if (!(flags & ts.ModifierFlags.Export) || flags & ts.ModifierFlags.Default) return undefined;
    this.touched.add(target.fileName);
    return declaration;
  }

  /** The name a local identifier has in `@modreg/core` when the file imports it from there by name. */
  coreName(file: ts.SourceFile, local: string): string | undefined {
    if (!this.enabled) return undefined;
    const imported = this.importsOf(file).get(local);
    return imported?.specifier.text === "@modreg/core" ? imported.name : undefined;
  }

  /** Top-level classes and interfaces by name; `null` where the name also means something else. */
  private declarations(file: ts.SourceFile): Map<string, NamedDeclaration | null> {
    let found = this.topLevel.get(file);
    if (found !== undefined) return found;
    found = new Map();
    const other = new Set<string>();
    for (const statement of file.statements) {
      if (ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)) {
        const name = statement.name?.text;
        if (name === undefined) continue;
        const seen = found.get(name);
        // interfaces merge (the first declaration is the one keys use); anything else is not plain
        if (seen === undefined) found.set(name, statement);
        else if (seen === null || !ts.isInterfaceDeclaration(seen) || !ts.isInterfaceDeclaration(statement)) {
          found.set(name, null);
        }
      } else {
        for (const name of declaredNames(statement)) other.add(name);
      }
    }
    for (const name of other) if (found.has(name)) found.set(name, null);
    for (const name of this.importsOf(file).keys()) if (found.has(name)) found.set(name, null);
    this.topLevel.set(file, found);
    return found;
  }

  /** `import { A, B as C } from "x"` (type-only or not): local name → imported name. */
  private importsOf(file: ts.SourceFile): Map<string, { specifier: ts.StringLiteral; name: string }> {
    let found = this.imports.get(file);
    if (found !== undefined) return found;
    found = new Map();
    for (const statement of file.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const bindings = statement.importClause?.namedBindings;
      if (bindings === undefined || !ts.isNamedImports(bindings)) continue;
      for (const element of bindings.elements) {
        found.set(element.name.text, {
          specifier: statement.moduleSpecifier,
          name: (element.propertyName ?? element.name).text,
        });
      }
    }
    this.imports.set(file, found);
    return found;
  }
}

/** Names a top-level statement other than a class or interface declares. */
function declaredNames(statement: ts.Statement): string[] {
  if (
    (ts.isTypeAliasDeclaration(statement) ||
      ts.isEnumDeclaration(statement) ||
      ts.isFunctionDeclaration(statement) ||
      ts.isModuleDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement)) &&
    statement.name !== undefined &&
    ts.isIdentifier(statement.name)
  ) {
    return [statement.name.text];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) =>
      ts.isIdentifier(d.name) ? [d.name.text] : [],
    );
  }
  if (ts.isImportDeclaration(statement) && statement.importClause?.name)
    return [statement.importClause.name.text];
  if (
    ts.isImportDeclaration(statement) &&
    statement.importClause?.namedBindings &&
    ts.isNamespaceImport(statement.importClause.namedBindings)
  ) {
    return [statement.importClause.namedBindings.name.text];
  }
  return [];
}
