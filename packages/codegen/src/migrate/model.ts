/**
 * What a tsyringe or InversifyJS project declares, read into one shape that the converter
 * turns into modreg: injectable classes, their injected constructor parameters, and the
 * container's bindings. The readers (`tsyringe.ts`, `inversify.ts`) fill it from ts-morph
 * nodes; nothing here depends on which library it came from.
 */
import type {
  ClassDeclaration,
  Decorator,
  Expression,
  Node,
  ParameterDeclaration,
  Statement,
} from "ts-morph";
import type { Scope } from "@modreg/core";

/** Which library a project migrates from. */
export type MigrateSource = "tsyringe" | "inversify";

/** A token as written in `@inject(...)` or a binding: a class, or a name (string, symbol, constant). */
export type TokenRef =
  | { readonly kind: "class"; readonly decl: ClassDeclaration; readonly text: string }
  | { readonly kind: "name"; readonly key: string; readonly name: string; readonly text: string };

/**
 * Why a per-resolution scope (InversifyJS `inRequestScope`/`"Request"`, tsyringe
 * `ResolutionScoped`) becomes `factory`: modreg's `scoped` is one instance per `app.scope()`
 * the app opens, not per resolution, so converting to it would need new call sites.
 */
export function perResolutionNote(what: string): string {
  return `${what}: one instance per resolution has no modreg equivalent; converted to factory (a new instance per injection). For one per HTTP request or job, use scope: "scoped" and app.scope()`;
}

/** A decorated (or bound) class and the scope its decorator asks for. */
export interface InjectableClass {
  readonly decl: ClassDeclaration;
  /** The library decorator replaced by `@Module`; none when only a binding names the class. */
  readonly decorator: Decorator | undefined;
  /** From the decorator (`@singleton`, `@scoped`, `@injectable("Singleton")`). */
  readonly scope: Scope | undefined;
  /** Why the scope is an approximation, when it is one. */
  readonly scopeNote?: string;
}

/** One constructor parameter with library decorators. */
export interface ParamInjection {
  readonly cls: ClassDeclaration;
  readonly param: ParameterDeclaration;
  /** The decorators to remove (`@inject`, `@optional`, `@named` …). */
  readonly decorators: readonly Decorator[];
  readonly token: TokenRef | undefined;
  readonly multi: boolean;
  /** `delay(() => X)` / `LazyServiceIdentifier`: becomes `Lazy<X>`. */
  readonly lazy: boolean;
  readonly optional: boolean;
  /** Inversify `@named("x")`, or `@tagged(k, v)` as `k=v`. */
  readonly constraint: string | undefined;
}

/** What a binding provides. */
export type BindingTarget =
  | { readonly kind: "class"; readonly decl: ClassDeclaration }
  | { readonly kind: "value"; readonly expr: Expression }
  | { readonly kind: "factory"; readonly fn: Expression };

/** `container.register(...)` / `bind(...).to(...)`: one statement, removed once converted. */
export interface Binding {
  readonly token: TokenRef;
  readonly target: BindingTarget;
  readonly scope: Scope | undefined;
  readonly constraint: string | undefined;
  readonly statement: Statement;
}

/** Something the migration leaves as it was, with why (listed with `file:line`). */
export interface LeftItem {
  readonly node: Node;
  readonly code: "MR2020" | "MR2021" | "MR2022" | "MR2023" | "MR2024";
  readonly reason: string;
}

/** What a reader found in one project. */
export interface ProjectModel {
  readonly source: MigrateSource;
  readonly classes: InjectableClass[];
  readonly params: ParamInjection[];
  readonly bindings: Binding[];
  readonly left: LeftItem[];
  /** Scope of a class with no scope of its own (tsyringe: transient; inversify: the container's `defaultScope`). */
  readonly defaultScope: Scope;
  /** Library names per file (local name -> imported name), for the final sweep of leftovers. */
  readonly imports: Map<string, Map<string, string>>;
}
