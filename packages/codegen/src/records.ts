/**
 * The plain records that flow between the stages: `scan` produces them from the TypeScript
 * program, `validate` turns them into manifest data and diagnostics, `write` turns that data
 * into text. Nothing here refers to ts-morph or the compiler API.
 */
import type { ConditionRecord, DependencyRecord, MetadataValue, Scope } from "@modreg/core";
import type { Diagnostic } from "./diagnostics.js";

/** A place in a source file. `file` is project-relative with POSIX separators; line and column count from 1. */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Length of the span the caret underlines. */
  readonly length: number;
}

/** A class named in a decorator argument (`dependencies: [Config]`). */
export class ClassRef {
  constructor(
    /** Interface key of the class, the same key its module record carries. */
    readonly key: string,
    readonly name: string,
  ) {}
}

/** A value read statically from a decorator argument. */
export type StaticValue =
  string | number | boolean | ClassRef | StaticValue[] | { [key: string]: StaticValue };

/** The decorator argument, read statically. */
export interface ScannedOptions {
  /** The options object; `{}` for `@Module()`. Parts that could not be read are left out. */
  readonly value: { readonly [key: string]: StaticValue };
  /** Where each part was written, by path: `"version"`, `"dependencies.0"`, `"inject.cache"`. */
  readonly locations: ReadonlyMap<string, Location>;
  /** Expressions that are not statically readable. */
  readonly errors: readonly { readonly location: Location; readonly message: string }[];
  /** The whole argument (or the decorator when it has none). */
  readonly location: Location;
}

/**
 * The members of a type no module can be injected as by type (a primitive, a union, an
 * anonymous object), as the checker prints them, each with the primitive a literal widens to:
 * what `inject` by id is checked against (`MR3008`). Sorted by text.
 */
export type TypeShape = readonly { readonly text: string; readonly base?: string }[];

/** What a constructor parameter's declared type asks for. */
export type ParamTarget =
  | { readonly kind: "class"; readonly key: string; readonly name: string; readonly abstract: boolean }
  | { readonly kind: "interface"; readonly key: string; readonly name: string }
  /** A type only `inject` can choose a provider for (by id); `shape` is what the provider must fit. */
  | { readonly kind: "unsupported"; readonly reason: string; readonly shape?: TypeShape };

/** One constructor parameter. */
export interface ScannedParam {
  readonly name: string;
  readonly location: Location;
  /** The declared type as written, for messages. */
  readonly typeText: string;
  readonly rest: boolean;
  /** `?`, `| undefined` or a default value. */
  readonly optional: boolean;
  /** It has a default value (`name = "x"`): left to it when nothing is injected. */
  readonly defaulted?: boolean;
  /** `T[]` or `readonly T[]`. */
  readonly multi: boolean;
  /** `Lazy<T>` or `Factory<T, A>` around the type. */
  readonly wrapper: "value" | "lazy" | "factory";
  readonly target: ParamTarget;
}

/** What a `provide()` export provides: its function's awaited return type. */
export interface ScannedProvider {
  /** The provided type as the checker prints it, for messages. */
  readonly typeText: string;
  /** Key of the provided class or interface; `undefined` for a primitive, union or anonymous type (injected by id only). */
  readonly key: string | undefined;
  /** Members of the provided type, checked against the parameters `inject` chooses it for. */
  readonly shape: TypeShape;
  /** `void`, `unknown`, `any`, `never`, `null` or `undefined`: nothing can be injected with it. */
  readonly uninjectable: boolean;
  /** Where `provide()` was called, when that is not the initializer of an exported top-level `const`. */
  readonly misplaced: "nested" | "not-const" | undefined;
  /** The provider function (or the `provide` call when the function cannot be read). */
  readonly functionLocation: Location;
  /** The function is `scopeValue<T>()`: a per-scope input, supplied by each scope's `values`. */
  readonly scopeValue: boolean;
}

/** One class decorated with `@Module` from `@modreg/core`, or one `provide()` export. */
export interface ScannedModule {
  /** Declared class name (or a provider's variable name); `undefined` for `export default class {}` / `export default provide(...)`. */
  readonly className: string | undefined;
  /** The name the declaring file exports it under (`"default"` for a default export); `undefined` when not exported. */
  readonly exportName: string | undefined;
  /** Absolute path of the declaring file. */
  readonly fileName: string;
  /** Where the class is declared (its name, or the `class` keyword when anonymous). */
  readonly location: Location;
  /** The class's own interface key. */
  readonly key: string;
  /** Keys of every class and interface in its heritage chain, sorted. */
  readonly heritage: readonly string[];
  readonly abstract: boolean;
  readonly options: ScannedOptions;
  /** Constructor parameters, own or inherited. */
  readonly params: readonly ScannedParam[];
  /** `onInit` is declared `async` or returns a Promise type. */
  readonly asyncInit: boolean;
  /** Where `onInit` is declared, when it is. */
  readonly onInitLocation: Location | undefined;
  /** The app-phase methods (`onReady`, `onShutdown`) the class declares or inherits, where (classes only). */
  readonly appPhases?: readonly AppPhaseMethod[];
  /** Set for a `provide()` export: `params` are its function's, `asyncInit` says it returns a promise. */
  readonly provider?: ScannedProvider;
}

/** An `onReady` or `onShutdown` method of a module class. */
export interface AppPhaseMethod {
  readonly name: "onReady" | "onShutdown";
  readonly location: Location;
}

/** A class or interface that parameters or heritage name, by key. */
export interface TypeDeclaration {
  readonly key: string;
  /** Declared name. */
  readonly name: string;
  readonly kind: "class" | "interface";
  /** Absolute path of the declaring file. */
  readonly fileName: string;
  /** Declared in a source file of this project (not a `.d.ts`, not under node_modules) and exported under `name`. */
  readonly importable: boolean;
  /** `Repo<User>`: generic instantiations cannot be imported by name. */
  readonly generic: boolean;
  /** Declared in another package (or a `.d.ts`): a module of this project cannot be it, a `provide()` can. */
  readonly external: boolean;
  readonly location: Location;
}

/** How the project resolves relative imports, which decides the generated specifiers. */
export type ImportStyle = "js" | "extensionless";

/** Everything `scan` learned about a project. */
export interface ScanResult {
  /** Absolute directory of the tsconfig. */
  readonly projectDir: string;
  /** Name of the project's nearest package.json, if any. */
  readonly packageName: string | undefined;
  readonly importStyle: ImportStyle;
  /** Modules in file order, then declaration order. */
  readonly modules: readonly ScannedModule[];
  /** Declarations behind every key the modules use, by key. */
  readonly types: ReadonlyMap<string, TypeDeclaration>;
  /** Keys that two different declarations would share. */
  readonly collisions: readonly { readonly key: string; readonly locations: readonly Location[] }[];
  /** Files that do not parse (syntax errors, not UTF-8, nested too deep): the scan could not read them as written. */
  readonly diagnostics?: readonly Diagnostic[];
  /** How the tsconfig compiles decorators, for the warning about output Node cannot parse. */
  readonly decorators?: DecoratorEmit;
  /**
   * Why nothing provides a key a parameter asks for, by key: learned from the program after a
   * first validation reported it missing (`ProjectScanner.explain`), for the `MR3003` hints.
   */
  readonly explained?: ReadonlyMap<string, MissingExplanation>;
}

/** What the program says about a type nothing provides. */
export interface MissingExplanation {
  /**
   * A `@Module` class (the class itself, or for an interface a class declaring
   * `implements` it) in this project-relative file, which the scan does not walk.
   */
  readonly decoratedIn?: string;
  /** For an interface: the name of that class. */
  readonly decoratedClass?: string;
  /** Module classes with the interface's shape that do not declare it (`implements` is missing). */
  readonly lookalikes?: readonly string[];
}

/** The tsconfig's decorator semantics and its `target`, as TypeScript spells it (`ES2022`, `ESNext`). */
export interface DecoratorEmit {
  readonly mode: "standard" | "legacy";
  readonly target: string;
  /** The tsconfig file, relative to the project directory. */
  readonly tsconfig: string;
}

/** A module as the manifest describes it, without its class and `create` function. */
export interface ModuleData {
  readonly id: string;
  /** A `@Module` class, or a `provide()` export (whose `class` is the provider variable). */
  readonly kind: "class" | "provider";
  readonly version: string;
  readonly scope: Scope;
  readonly capabilities: readonly string[];
  readonly provides: readonly string[];
  /** Constructor parameters first, in order; then `dependencies`, then `optionalDependencies`. */
  readonly deps: readonly DependencyRecord[];
  /** How many leading `deps` are constructor parameters. */
  readonly params: number;
  /**
   * Constructor positions (among the injected parameters, before `args`) left to their
   * default value: a primitive, union or untyped parameter with a default that nothing is
   * chosen for. `create` passes `undefined` there; the `params` deps fill the others in order.
   */
  readonly defaults?: readonly number[];
  /** Trailing runtime arguments (factory scope). */
  readonly args: number;
  /** `@Module({ initTimeoutMs })`, when given. */
  readonly initTimeoutMs: number | undefined;
  /** `@Module({ tenant: true })`: a per-tenant module. */
  readonly tenant: boolean;
  /** `primary: true`. */
  readonly primary: boolean;
  readonly when: ConditionRecord | undefined;
  readonly metadata: Readonly<Record<string, MetadataValue>> | undefined;
  readonly asyncInit: boolean;
  readonly source: { readonly file: string; readonly line: number; readonly column: number };
  /** How to import the class (or the provider). */
  readonly class: {
    readonly name: string | undefined;
    readonly exportName: string;
    readonly fileName: string;
  };
}

/** A typed token the generated file exports, one per interface key used for injection. */
export interface TokenData {
  readonly key: string;
  /** Property name under `tokens`. */
  readonly name: string;
  readonly declaration: TypeDeclaration | undefined;
  /** A parameter that injects it, for spelling the type when it cannot be imported. */
  readonly via: {
    readonly module: string;
    readonly param: number;
    readonly multi: boolean;
    readonly wrapper: "value" | "lazy" | "factory";
    readonly optional: boolean;
  };
}

/** The validated graph: what the writer needs. */
export interface ManifestData {
  readonly formatVersion: 1;
  readonly package: string | undefined;
  /** Sorted by source file, then class name. */
  readonly modules: readonly ModuleData[];
  /** Sorted by name. */
  readonly tokens: readonly TokenData[];
}

/** The constructor position of each of a record's `params` deps: every position but its `defaults`. */
export function injectedPositions(m: Pick<ModuleData, "params" | "defaults">): number[] {
  const defaults = new Set(m.defaults ?? []);
  const positions: number[] = [];
  for (let p = 0; positions.length < m.params; p++) if (!defaults.has(p)) positions.push(p);
  return positions;
}
