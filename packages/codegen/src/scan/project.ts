import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { Project, ts } from "ts-morph";
import { error, type Diagnostic } from "../diagnostics.js";
import {
  ClassRef,
  type DecoratorEmit,
  type ImportStyle,
  type ScannedModule,
  type ScanResult,
} from "../records.js";
import type { ScanContext } from "./context.js";
import { pathFilter } from "./glob.js";
import { remergeKeys, TypeKeys, type KeyedDeclaration, type KeyMerge } from "./keys.js";
import { explainMissing } from "./explain.js";
import { scanFile } from "./modules.js";
import { parseProblems, tooDeepToParse } from "./parse.js";
import { scanProviders } from "./providers.js";
import { SyntacticTypes, type SourceFiles } from "./syntactic.js";
import { PackageNames, relativePosix } from "./packages.js";

/** What to scan. Paths are absolute. */
export interface ScannerOptions {
  /** The tsconfig file. */
  readonly tsconfig: string;
  /** The generated file: never scanned. */
  readonly out: string;
  /** Other generated files of the same program (several outputs): never scanned either. */
  readonly otherOutputs?: readonly string[];
  /** Globs (project-relative) of the files to look for modules in; all when empty. */
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /**
   * Read every class through the type checker, skipping the syntactic fast path for plain
   * names (the answers are the same; tests compare them). Default `false`.
   */
  readonly checkerOnly?: boolean;
}

interface CachedFile {
  readonly sourceFile: ts.SourceFile;
  readonly modules: ScannedModule[];
  readonly touched: ReadonlySet<string>;
  readonly keys: readonly KeyedDeclaration[];
}

const SOURCE_EXTENSION = /\.(?:[cm]?tsx?)$/;

/**
 * The scan stage: loads the project with ts-morph once and reads its `@Module` classes into
 * plain records. Keep the instance to rescan after edits (`--watch`): the program is reused
 * and files whose inputs did not change keep their records.
 */
export class ProjectScanner {
  readonly projectDir: string;
  private project!: Project;
  private parsed!: ts.ParsedCommandLine;
  private readonly packages = new PackageNames();
  private readonly cache = new Map<string, CachedFile>();
  private readonly dirty = new Set<string>();
  private readonly relativeNames = new Map<string, string>();
  /** Parsed files by path, as ts-morph has them; forgotten when they change. */
  private readonly sourceFiles = new Map<string, ts.SourceFile>();
  /** Files the parser overflowed the stack on, with their diagnostic. */
  private readonly unparsable = new Map<string, Diagnostic>();
  /** Parse problems per parsed file (an edit makes a new source file object). */
  private readonly problems = new WeakMap<ts.SourceFile, Diagnostic[]>();
  private readonly walkable: (relativePath: string) => boolean;
  private readonly resolvedFiles = new WeakMap<
    ts.ParsedCommandLine,
    { readonly sources: ReadonlySet<string>; readonly roots: readonly string[] }
  >();
  /** The last merge of the files' key tables (a table is reused while it reads the same). */
  private merged: KeyMerge | undefined;
  /** What each parsed file's text says to `filesToWalk` (an edit makes a new source file object). */
  private readonly marks = new WeakMap<ts.SourceFile, FileMarks>();

  private constructor(private readonly options: ScannerOptions) {
    this.projectDir = path.dirname(options.tsconfig);
    this.walkable = pathFilter(options.include ?? [], options.exclude ?? []);
  }

  /** Loads the project; config problems come back as `MR1xxx` diagnostics. */
  static open(options: ScannerOptions): { scanner?: ProjectScanner; diagnostics: Diagnostic[] } {
    const scanner = new ProjectScanner(options);
    const diagnostics = scanner.load();
    return diagnostics.length > 0 ? { diagnostics } : { scanner, diagnostics };
  }

  private load(): Diagnostic[] {
    const { tsconfig } = this.options;
    if (!existsSync(tsconfig) || !statSync(tsconfig).isFile()) {
      return [
        error("MR1001", `cannot read ${tsconfig}: no such file`, undefined, {
          hint: "pass --project path/to/tsconfig.json",
        }),
      ];
    }
    const problems: ts.Diagnostic[] = [];
    const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => problems.push(d),
    });
    // the JSON syntax errors of a truncated tsconfig are only in its parse diagnostics
    if (parsed) problems.push(...ts.getConfigFileParsingDiagnostics(parsed));
    if (problems.length > 0 || parsed === undefined) {
      return problems.map((d) => configDiagnostic(d, this.projectDir));
    }
    this.parsed = parsed;
    this.project = new Project({
      compilerOptions: parsed.options,
      skipAddingFilesFromTsConfig: true,
      skipFileDependencyResolution: true,
    });
    for (const fileName of this.rootFiles()) this.addFile(fileName);
    return [];
  }

  /** The tsconfig and every file it names (for the rule that outputs never replace them). */
  projectFiles(): { tsconfig: string; sources: ReadonlySet<string> } {
    return { tsconfig: this.options.tsconfig, sources: this.files().sources };
  }

  /** The tsconfig's files, resolved once per reading of it: all of them, and those to scan (not an output). */
  private files(): { readonly sources: ReadonlySet<string>; readonly roots: readonly string[] } {
    let files = this.resolvedFiles.get(this.parsed);
    if (files === undefined) {
      const outputs = new Set(
        [this.options.out, ...(this.options.otherOutputs ?? [])].map((f) => path.resolve(f)),
      );
      const resolved = this.parsed.fileNames.map((f) => path.resolve(f));
      files = { sources: new Set(resolved), roots: resolved.filter((f) => !outputs.has(f)) };
      this.resolvedFiles.set(this.parsed, files);
    }
    return files;
  }

  /** Parses a file; TypeScript's recursive parser overflows on absurdly deep nesting, which becomes a diagnostic. */
  private addFile(fileName: string, refresh?: () => void): void {
    this.unparsable.delete(fileName);
    this.sourceFiles.delete(fileName);
    try {
      if (refresh) refresh();
      else this.project.addSourceFileAtPath(fileName);
    } catch (thrown) {
      if (!(thrown instanceof RangeError)) throw thrown;
      const stale = this.project.getSourceFile(fileName);
      if (stale) this.project.removeSourceFile(stale);
      this.unparsable.set(fileName, tooDeepToParse(fileName, this.relativeName(fileName)));
    }
  }

  private relativeName(fileName: string): string {
    let relative = this.relativeNames.get(fileName);
    if (relative === undefined)
      this.relativeNames.set(fileName, (relative = relativePosix(this.projectDir, fileName)));
    return relative;
  }

  private rootFiles(): string[] {
    return [...this.files().roots];
  }

  /** Reads every module of the project. `order` reorders the files first (tests show it changes nothing). */
  scan(order: (fileNames: string[]) => string[] = (f) => f): ScanResult {
    const context = this.context();
    const keys = new TypeKeys(context);
    const sourceFiles = (fileName: string) => this.sourceFile(fileName);
    const syntactic = new SyntacticTypes(
      sourceFiles,
      this.parsed.options,
      context.touched,
      this.projectDir,
      this.options.checkerOnly !== true,
    );
    const files = order(this.rootFiles());
    const diagnostics: Diagnostic[] = [];
    const { walked, provideNames } = this.filesToWalk(sourceFiles, files, diagnostics);
    const results = new Map<string, CachedFile>();
    for (const fileName of walked) {
      const sourceFile = sourceFiles(fileName)!;
      const cached = this.cache.get(fileName);
      if (cached && cached.sourceFile === sourceFile && !this.touchesDirty(cached)) {
        results.set(fileName, cached);
        continue;
      }
      context.touched.clear();
      keys.take();
      const modules = sameRecords(cached?.modules, [
        ...scanFile(context, keys, syntactic, sourceFile),
        ...scanProviders(context, keys, syntactic, sourceFile, provideNames),
      ]);
      const table = keys.take();
      results.set(fileName, {
        sourceFile,
        modules,
        touched: new Set(context.touched),
        keys: cached !== undefined && sameData(cached.keys, table) ? cached.keys : table,
      });
    }
    this.cache.clear();
    for (const [fileName, entry] of results) this.cache.set(fileName, entry);
    this.dirty.clear();
    const sorted = [...results.keys()].sort();
    const merged = remergeKeys(
      this.merged,
      sorted.map((f) => results.get(f)!.keys),
    );
    this.merged = merged;
    return {
      projectDir: this.projectDir,
      packageName: this.packages.ofDirectory(this.projectDir),
      importStyle: importStyleOf(this.parsed.options),
      modules: sorted.flatMap((f) => results.get(f)!.modules),
      types: merged.declarations,
      collisions: merged.collisions,
      diagnostics,
      decorators: decoratorEmitOf(this.parsed.options, relativePosix(this.projectDir, this.options.tsconfig)),
    };
  }

  /** Whether a file read (to scan its modules) one of the files edited since the last scan. */
  private touchesDirty(cached: CachedFile): boolean {
    if (this.dirty.size === 0) return false;
    for (const fileName of cached.touched) if (this.dirty.has(fileName)) return true;
    return false;
  }

  /** The parsed file, from ts-morph's project (whose lookup normalizes the path every time) once per file and edit. */
  private sourceFile(fileName: string): ts.SourceFile | undefined {
    let found = this.sourceFiles.get(fileName);
    if (found === undefined) {
      found = this.project.getSourceFile(fileName)?.compilerNode;
      if (found !== undefined) this.sourceFiles.set(fileName, found);
    }
    return found;
  }

  /**
   * The scan with `explained` filled for `keys` that validation found nothing provides (see
   * `explainMissing`); `scan` itself when there is nothing to explain.
   */
  explain(scan: ScanResult, keys: readonly string[]): ScanResult {
    if (keys.length === 0) return scan;
    const explained = explainMissing(this.context(), scan, keys);
    return explained.size === 0 ? scan : { ...scan, explained };
  }

  /**
   * The program (lib files, every import resolved) and the checker (every file bound) are
   * built only when a class needs them; plain projects are read from the parsed files alone.
   */
  private context(): ScanContext {
    let program: ts.Program | undefined;
    const project = this.project;
    let checker: ts.TypeChecker | undefined;
    return {
      get program() {
        return (program ??= project.getProgram().compilerObject);
      },
      get checker() {
        return (checker ??= this.program.getTypeChecker());
      },
      projectDir: this.projectDir,
      packages: this.packages,
      touched: new Set(),
      relativeNames: this.relativeNames,
    };
  }

  /**
   * Files that may declare modules: in the project, matching the include/exclude globs,
   * mentioning the decorator or `provide` (by any alias the project gives them). Also
   * reports, into `diagnostics`, the files among them that do not parse.
   */
  private filesToWalk(
    sourceFiles: SourceFiles,
    files: readonly string[],
    diagnostics: Diagnostic[],
  ): { walked: string[]; provideNames: string[] } {
    const candidates: { fileName: string; text: string; marks: FileMarks }[] = [];
    const names = new Set(["Module"]);
    const provideNames = new Set(["provide"]);
    for (const fileName of files) {
      if (!SOURCE_EXTENSION.test(fileName) || fileName.endsWith(".d.ts")) continue;
      const relative = this.relativeName(fileName);
      if (!this.walkable(relative)) continue;
      const unparsable = this.unparsable.get(fileName);
      if (unparsable) diagnostics.push(unparsable);
      const sourceFile = sourceFiles(fileName);
      if (sourceFile === undefined) continue;
      let problems = this.problems.get(sourceFile);
      if (problems === undefined)
        this.problems.set(sourceFile, (problems = parseProblems(sourceFile, relative)));
      diagnostics.push(...problems);
      let marks = this.marks.get(sourceFile);
      if (marks === undefined) this.marks.set(sourceFile, (marks = marksOf(sourceFile.text)));
      candidates.push({ fileName, text: sourceFile.text, marks });
      for (const name of marks.moduleAliases) names.add(name);
      for (const name of marks.provideAliases) provideNames.add(name);
    }
    const decorators = [...names];
    const calls = [...provideNames];
    const asked = `${decorators.join(",")} ${calls.join(",")}`;
    const walked: string[] = [];
    for (const { fileName, text, marks } of candidates) {
      if (marks.names !== asked) {
        marks.names = asked;
        marks.mentions =
          (text.includes("@") && decorators.some((name) => text.includes(name))) ||
          calls.some((name) => text.includes(name));
      }
      if (marks.mentions) walked.push(fileName);
    }
    return { walked, provideNames: calls };
  }

  /**
   * Takes edited, added or removed files into account before the next `scan`. Returns `false`
   * when the tsconfig itself changed: open a new scanner then.
   */
  update(changed: readonly string[]): boolean {
    let membership = false;
    for (const raw of changed) {
      const fileName = path.resolve(raw);
      if (fileName === path.resolve(this.options.tsconfig)) return false;
      if (fileName.endsWith("package.json")) {
        this.packages.clear();
        this.cache.clear();
        continue;
      }
      const sourceFile = this.project.getSourceFile(fileName);
      if (sourceFile === undefined) {
        membership = true;
        continue;
      }
      this.dirty.add(fileName);
      this.sourceFiles.delete(fileName);
      if (!existsSync(fileName)) {
        this.project.removeSourceFile(sourceFile);
        membership = true;
      } else this.addFile(fileName, () => sourceFile.refreshFromFileSystemSync());
    }
    if (membership) this.syncMembership();
    return true;
  }

  /** Re-reads the tsconfig's file list after files were added or removed. */
  private syncMembership(): void {
    const reparsed = ts.getParsedCommandLineOfConfigFile(this.options.tsconfig, undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    });
    if (reparsed === undefined) return;
    this.parsed = reparsed;
    this.sourceFiles.clear();
    const wanted = new Set(this.rootFiles());
    for (const sourceFile of this.project.getSourceFiles()) {
      if (!wanted.has(path.resolve(sourceFile.getFilePath()))) this.project.removeSourceFile(sourceFile);
    }
    for (const fileName of wanted) {
      if (this.project.getSourceFile(fileName) === undefined) this.addFile(fileName);
    }
    // a new file can change what an import resolves to: rescan everything (the program is still reused)
    this.cache.clear();
  }
}

/**
 * The records of a file scanned again, each replaced by the one the last scan made when it
 * reads the same (an edit elsewhere in the file, or of a file it imports): validation and
 * writing cache by record, so an edit only costs what it changed.
 */
function sameRecords(before: readonly ScannedModule[] | undefined, after: ScannedModule[]): ScannedModule[] {
  if (before === undefined) return after;
  return after.map((m, i) => (before[i] !== undefined && sameData(before[i], m) ? before[i] : m));
}

/** Plain data (primitives, arrays, maps, records and `ClassRef`s of them) that reads the same. */
function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => sameData(x, other[i]));
  }
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [key, value] of a) if (!other.has(key) || !sameData(value, other.get(key))) return false;
    return true;
  }
  // anything else than records and class references (a Set, a Date): never taken as the same
  const proto: unknown = Object.getPrototypeOf(a);
  if (proto !== Object.prototype && proto !== null && proto !== ClassRef.prototype) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return (
    keys.length === Object.keys(y).length &&
    keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && sameData(x[k], y[k]))
  );
}

/** The aliases a file imports `Module` and `provide` under, and whether it mentions one of the names it was last asked about. */
interface FileMarks {
  readonly moduleAliases: readonly string[];
  readonly provideAliases: readonly string[];
  /** The decorator and call names `mentions` answers for. */
  names?: string;
  mentions?: boolean;
}

function marksOf(text: string): FileMarks {
  // `import { Module as Component }`: the alias marks files too
  const aliases = (name: string) =>
    text.includes(`${name} as`)
      ? [...text.matchAll(new RegExp(`\\b${name}\\s+as\\s+([A-Za-z_$][\\w$]*)`, "g"))].map((m) => m[1]!)
      : [];
  return { moduleAliases: aliases("Module"), provideAliases: aliases("provide") };
}

/** `.js` specifiers under Node16/NodeNext resolution, extensionless otherwise. */
function importStyleOf(options: ts.CompilerOptions): ImportStyle {
  const resolution = options.moduleResolution;
  if (resolution === ts.ModuleResolutionKind.Node16 || resolution === ts.ModuleResolutionKind.NodeNext)
    return "js";
  if (resolution !== undefined) return "extensionless";
  const module = options.module;
  return module !== undefined && module >= ts.ModuleKind.Node16 && module <= ts.ModuleKind.NodeNext
    ? "js"
    : "extensionless";
}

function decoratorEmitOf(options: ts.CompilerOptions, tsconfig: string): DecoratorEmit {
  const target = options.target ?? ts.ScriptTarget.ES2025;
  return {
    mode: options.experimentalDecorators === true ? "legacy" : "standard",
    target: target >= ts.ScriptTarget.ESNext ? "ESNext" : (ts.ScriptTarget[target] ?? String(target)),
    tsconfig,
  };
}

function configDiagnostic(d: ts.Diagnostic, projectDir: string): Diagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  const code = d.code === 5083 || d.code === 5058 ? "MR1001" : "MR1002";
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const location = {
      file: relativePosix(projectDir, d.file.fileName),
      line: line + 1,
      column: character + 1,
      length: d.length ?? 1,
    };
    return error(code, `${message} (TS${d.code})`, location);
  }
  return error(code, `${message} (TS${d.code})`, undefined);
}
