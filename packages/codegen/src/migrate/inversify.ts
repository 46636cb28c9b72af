/** Reads an InversifyJS project into the migration model. */
import { Node, type CallExpression, type ClassDeclaration, type Expression, type SourceFile } from "ts-morph";
import type { Scope } from "@modreg/core";
import {
  type Binding,
  type BindingTarget,
  type LeftItem,
  type ParamInjection,
  type ProjectModel,
  perResolutionNote,
} from "./model.js";
import { arrowResult, decoratorName, libraryImports, tokenOf, wholeStatement } from "./read-common.js";

const PARAM_DECORATORS = new Set(["inject", "multiInject", "optional", "named", "tagged", "unmanaged"]);
const UNSUPPORTED_MEMBERS = new Map([
  ["postConstruct", "rename the method to onInit (modreg awaits it once the instance is built)"],
  ["preDestroy", "rename the method to onDispose"],
  ["inject", "property injection: inject through the constructor instead"],
  ["multiInject", "property injection: inject through the constructor instead"],
]);

export function readInversify(files: readonly SourceFile[]): ProjectModel {
  const model: ProjectModel = {
    source: "inversify",
    classes: [],
    params: [],
    bindings: [],
    left: [],
    defaultScope: "factory",
    imports: new Map(),
  };
  let defaultScope: Scope = "factory";
  for (const file of files) {
    const imports = libraryImports(file, "inversify");
    if (imports.size === 0) continue;
    model.imports.set(file.getFilePath(), imports);
    for (const cls of file.getClasses()) readClass(cls, imports, model);
    file.forEachDescendant((node) => {
      if (Node.isNewExpression(node) && imports.get(node.getExpression().getText()) === "Container") {
        if (/defaultScope\s*:\s*["'`]Singleton|defaultScope\s*:\s*\w+\.Singleton/.test(node.getText()))
          defaultScope = "singleton";
      }
      if (Node.isCallExpression(node) && isBindCall(node)) readBinding(node, model);
    });
  }
  return { ...model, defaultScope };
}

function readClass(cls: ClassDeclaration, imports: ReadonlyMap<string, string>, model: ProjectModel): void {
  for (const decorator of cls.getDecorators()) {
    if (decoratorName(decorator, imports) !== "injectable") continue;
    const arg = decorator.getArguments()[0]?.getText() ?? "";
    const scope = bindingScope(arg);
    model.classes.push({
      decl: cls,
      decorator,
      scope: scope === "request" ? "factory" : scope,
      ...(scope === "request" && {
        scopeNote: perResolutionNote(`@injectable(${arg})`),
      }),
    });
  }
  for (const member of [...cls.getProperties(), ...cls.getMethods()]) {
    for (const decorator of member.getDecorators()) {
      const why = UNSUPPORTED_MEMBERS.get(decoratorName(decorator, imports) ?? "");
      if (why !== undefined)
        model.left.push({ node: decorator, code: "MR2020", reason: `@${decorator.getName()}: ${why}` });
    }
  }
  for (const param of cls.getConstructors()[0]?.getParameters() ?? []) {
    const decorators = param
      .getDecorators()
      .filter((d) => PARAM_DECORATORS.has(decoratorName(d, imports) ?? ""));
    if (decorators.length === 0) continue;
    const byName = new Map(decorators.map((d) => [decoratorName(d, imports)!, d]));
    if (byName.has("unmanaged")) {
      model.left.push({
        node: byName.get("unmanaged")!,
        code: "MR2020",
        reason: "@unmanaged: pass the value through a subclass or args instead",
      });
      continue;
    }
    const main = byName.get("inject") ?? byName.get("multiInject");
    let arg = main?.getArguments()[0] as Expression | undefined;
    let lazy = false;
    if (
      arg !== undefined &&
      Node.isNewExpression(arg) &&
      imports.get(arg.getExpression().getText()) === "LazyServiceIdentifier"
    ) {
      lazy = true;
      arg = arrowResult(arg.getArguments()[0] as Expression | undefined);
    }
    const token = main === undefined ? undefined : tokenOf(arg);
    if (main !== undefined && token === undefined) {
      model.left.push({
        node: main,
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
      multi: byName.has("multiInject"),
      lazy,
      optional: byName.has("optional"),
      constraint: constraintOf(byName.get("named")?.getArguments(), byName.get("tagged")?.getArguments()),
    };
    model.params.push(injection);
  }
}

function bindingScope(text: string): Scope | "request" | undefined {
  if (/Singleton/.test(text)) return "singleton";
  if (/Transient/.test(text)) return "factory";
  if (/Request/.test(text)) return "request";
  return undefined;
}

function constraintOf(named: Node[] | undefined, tagged: Node[] | undefined): string | undefined {
  const literal = (n: Node | undefined): string | undefined =>
    n !== undefined &&
    (Node.isStringLiteral(n) || Node.isNumericLiteral(n) || n.getText() === "true" || n.getText() === "false")
      ? Node.isStringLiteral(n)
        ? n.getLiteralValue()
        : n.getText()
      : n?.getText();
  if (named !== undefined) return `named:${literal(named[0]) ?? ""}`;
  if (tagged !== undefined) return `tagged:${literal(tagged[0]) ?? ""}=${literal(tagged[1]) ?? ""}`;
  return undefined;
}

/** The innermost call of a `x.bind(token)...` chain. */
function isBindCall(call: CallExpression): boolean {
  const callee = call.getExpression();
  return (
    Node.isPropertyAccessExpression(callee) && callee.getName() === "bind" && call.getArguments().length === 1
  );
}

/** `bind(T).to(C).inSingletonScope().whenNamed("x")` and its kin, read from the `bind` call outwards. */
function readBinding(bind: CallExpression, model: ProjectModel): void {
  const token = tokenOf(bind.getArguments()[0] as Expression);
  let node: Node = bind;
  let target: BindingTarget | undefined;
  let scope: Scope | undefined;
  let constraint: string | undefined;
  const leave = (reason: string, code: LeftItem["code"] = "MR2022"): void => {
    model.left.push({ node: bind, code, reason });
  };
  if (token === undefined)
    return leave(
      `token ${bind.getArguments()[0]?.getText() ?? ""} is not a class, a string or a constant`,
      "MR2021",
    );
  for (;;) {
    const access = node.getParent();
    const call = access?.getParent();
    if (
      access === undefined ||
      !Node.isPropertyAccessExpression(access) ||
      call === undefined ||
      !Node.isCallExpression(call)
    )
      break;
    const args = call.getArguments() as Expression[];
    const method = access.getName();
    if (method === "to") {
      const cls = tokenOf(args[0]);
      if (cls?.kind !== "class")
        return leave(`to(${args[0]?.getText() ?? ""}) is not a class of the project`);
      target = { kind: "class", decl: cls.decl };
    } else if (method === "toSelf") {
      if (token.kind !== "class") return leave("toSelf() of a token that is not a class");
      target = { kind: "class", decl: token.decl };
    } else if (method === "toConstantValue") target = { kind: "value", expr: args[0]! };
    else if (method === "toDynamicValue") target = { kind: "factory", fn: args[0]! };
    else if (method === "inSingletonScope") scope = "singleton";
    else if (method === "inTransientScope") scope = "factory";
    else if (method === "inRequestScope") {
      scope = "factory";
      model.left.push({
        node: access.getNameNode(),
        code: "MR2024",
        reason: perResolutionNote("inRequestScope()"),
      });
    } else if (method === "whenNamed") constraint = `named:${literalText(args[0])}`;
    else if (method === "whenTagged") constraint = `tagged:${literalText(args[0])}=${literalText(args[1])}`;
    else return leave(`${method}() has no modreg equivalent`);
    node = call;
  }
  const statement = wholeStatement(node);
  if (statement === undefined) return leave("the binding is not a statement of its own");
  if (target === undefined)
    return leave("a binding without to(), toSelf(), toConstantValue() or toDynamicValue()");
  const entry: Binding = { token, target, scope, constraint, statement };
  model.bindings.push(entry);
}

function literalText(node: Node | undefined): string {
  if (node === undefined) return "";
  return Node.isStringLiteral(node) ? node.getLiteralValue() : node.getText();
}
