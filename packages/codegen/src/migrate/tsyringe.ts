/** Reads a tsyringe project into the migration model. */
import { Node, type CallExpression, type ClassDeclaration, type Expression, type SourceFile } from "ts-morph";
import type { Scope } from "@modreg/core";
import {
  type Binding,
  type BindingTarget,
  type InjectableClass,
  type LeftItem,
  type ParamInjection,
  type ProjectModel,
  perResolutionNote,
} from "./model.js";
import {
  arrowResult,
  calleeName,
  decoratorName,
  libraryImports,
  tokenOf,
  wholeStatement,
} from "./read-common.js";

const CLASS_DECORATORS = new Set(["injectable", "singleton", "scoped", "autoInjectable", "registry"]);
const PARAM_DECORATORS = new Set(["inject", "injectAll", "injectWithTransform", "injectAllWithTransform"]);
const REGISTER_METHODS = new Set(["register", "registerSingleton", "registerType", "registerInstance"]);

export function readTsyringe(files: readonly SourceFile[]): ProjectModel {
  const model: ProjectModel = {
    source: "tsyringe",
    classes: [],
    params: [],
    bindings: [],
    left: [],
    defaultScope: "factory",
    imports: new Map(),
  };
  for (const file of files) {
    const imports = libraryImports(file, "tsyringe");
    if (imports.size === 0) continue;
    model.imports.set(file.getFilePath(), imports);
    for (const cls of file.getClasses()) readClass(cls, imports, model);
    file.forEachDescendant((node) => {
      if (Node.isCallExpression(node)) readRegistration(node, imports, model);
    });
  }
  return model;
}

function readClass(cls: ClassDeclaration, imports: ReadonlyMap<string, string>, model: ProjectModel): void {
  for (const decorator of cls.getDecorators()) {
    const name = decoratorName(decorator, imports);
    if (name === undefined || !CLASS_DECORATORS.has(name)) continue;
    if (name === "autoInjectable" || name === "registry") {
      model.left.push({
        node: decorator,
        code: "MR2020",
        reason: `@${name} has no modreg equivalent: ${name === "registry" ? "move its registrations to @Module classes or provide()" : "inject through the constructor of a @Module class"}`,
      });
      return;
    }
    const entry: InjectableClass = { decl: cls, decorator, ...scopeOf(name, decorator.getArguments()[0]) };
    model.classes.push(entry);
  }
  const ctor = cls.getConstructors()[0];
  for (const param of ctor?.getParameters() ?? []) {
    const decorators = param
      .getDecorators()
      .filter((d) => PARAM_DECORATORS.has(decoratorName(d, imports) ?? ""));
    const [decorator] = decorators;
    if (decorator === undefined) continue;
    const name = decoratorName(decorator, imports)!;
    if (name.endsWith("WithTransform")) {
      model.left.push({
        node: decorator,
        code: "MR2020",
        reason: `@${name}: transforms have no modreg equivalent`,
      });
      continue;
    }
    const [arg, options] = decorator.getArguments() as (Expression | undefined)[];
    const delayed = arg !== undefined && calleeName(arg, imports) === "delay";
    const tokenExpr = delayed ? arrowResult((arg as CallExpression).getArguments()[0] as Expression) : arg;
    const token = tokenOf(tokenExpr);
    if (token === undefined) {
      model.left.push({
        node: decorator,
        code: "MR2021",
        reason: `token ${arg?.getText() ?? "(none)"} is not a class, a string or a constant`,
      });
      continue;
    }
    const injection: ParamInjection = {
      cls,
      param,
      decorators,
      token,
      multi: name === "injectAll",
      lazy: delayed,
      optional: options !== undefined && /isOptional\s*:\s*true/.test(options.getText()),
      constraint: undefined,
    };
    model.params.push(injection);
  }
}

function scopeOf(name: string, arg: Node | undefined): { scope: Scope | undefined; scopeNote?: string } {
  if (name === "singleton") return { scope: "singleton" };
  if (name !== "scoped") return { scope: undefined };
  const text = arg?.getText() ?? "";
  if (text.endsWith("ContainerScoped")) return { scope: "singleton" };
  return {
    scope: "factory",
    scopeNote: perResolutionNote(text || "@scoped"),
  };
}

function readRegistration(
  call: CallExpression,
  imports: ReadonlyMap<string, string>,
  model: ProjectModel,
): void {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !REGISTER_METHODS.has(callee.getName())) return;
  if (!receiverIsContainer(callee.getExpression(), imports)) return;
  const statement = wholeStatement(call);
  const method = callee.getName();
  const args = call.getArguments() as Expression[];
  const leave = (reason: string, code: LeftItem["code"] = "MR2022"): void => {
    model.left.push({ node: call, code, reason });
  };
  if (statement === undefined) return leave(`${method}(...) is not a statement of its own`);
  if (method === "registerSingleton" && args.length === 1) {
    const token = tokenOf(args[0]);
    if (token?.kind !== "class") return leave("registerSingleton of something that is not a class");
    return void model.bindings.push(
      binding(token, { kind: "class", decl: token.decl }, "singleton", statement),
    );
  }
  const token = tokenOf(args[0]);
  if (token === undefined)
    return leave(`token ${args[0]?.getText() ?? ""} is not a class, a string or a constant`, "MR2021");
  const provider = args[1];
  if (provider === undefined) return leave(`${method} without a provider`);
  if (method === "registerInstance") {
    return void model.bindings.push(binding(token, { kind: "value", expr: provider }, undefined, statement));
  }
  if (method === "registerSingleton" || method === "registerType") {
    const target = tokenOf(provider);
    if (target?.kind !== "class") return leave(`${method} to something that is not a class`);
    const scope = method === "registerSingleton" ? "singleton" : "factory";
    return void model.bindings.push(binding(token, { kind: "class", decl: target.decl }, scope, statement));
  }
  const target = providerTarget(provider);
  if (typeof target === "string") return leave(target);
  const lifecycle = args[2]?.getText() ?? "";
  const perResolution = /Lifecycle\.ResolutionScoped/.test(lifecycle);
  if (perResolution)
    model.left.push({
      node: args[2]!,
      code: "MR2024",
      reason: perResolutionNote("Lifecycle.ResolutionScoped"),
    });
  const scope: Scope | undefined = /Lifecycle\.(Singleton|ContainerScoped)/.test(lifecycle)
    ? "singleton"
    : /Lifecycle\.Transient/.test(lifecycle) || perResolution
      ? "factory"
      : undefined;
  model.bindings.push(binding(token, target, scope, statement));
}

/** `{ useClass }`, `{ useValue }`, `{ useFactory }` or a class; a string says why not. */
function providerTarget(provider: Expression): BindingTarget | string {
  const asClass = tokenOf(provider);
  if (asClass?.kind === "class") return { kind: "class", decl: asClass.decl };
  if (!Node.isObjectLiteralExpression(provider))
    return `provider ${provider.getText()} is not an object literal`;
  for (const prop of provider.getProperties()) {
    if (!Node.isPropertyAssignment(prop)) continue;
    const value = prop.getInitializer();
    if (value === undefined) continue;
    const name = prop.getName();
    if (name === "useClass") {
      const target = tokenOf(value);
      if (target?.kind === "class") return { kind: "class", decl: target.decl };
      return `useClass ${value.getText()} is not a class of the project`;
    }
    if (name === "useValue") return { kind: "value", expr: value };
    if (name === "useFactory") {
      if (/^instance(PerContainer)?CachingFactory\s*\(/.test(value.getText()))
        return "a caching factory (instanceCachingFactory): wrap the function in provide() with scope singleton";
      return { kind: "factory", fn: value };
    }
    if (name === "useToken") return "useToken (an alias) has no direct equivalent: inject the target instead";
  }
  return `provider ${provider.getText()} is not useClass, useValue or useFactory`;
}

function binding(
  token: Binding["token"],
  target: BindingTarget,
  scope: Scope | undefined,
  statement: Binding["statement"],
): Binding {
  return { token, target, scope, constraint: undefined, statement };
}

/** The global `container` (or a child of it) of tsyringe. */
function receiverIsContainer(expr: Node, imports: ReadonlyMap<string, string>): boolean {
  if (Node.isIdentifier(expr) && imports.get(expr.getText()) === "container") return true;
  const decl = expr.getSymbol()?.getDeclarations()[0];
  const init = decl !== undefined && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  return init !== undefined && /createChildContainer\(\)$/.test(init.getText());
}
