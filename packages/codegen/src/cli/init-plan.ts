/**
 * What `modreg init` changes in a project, decided from what is there: a pure function from
 * the files' texts (and what the scan found) to a list of changes, so it is tested without a
 * file system and a second run finds nothing to do.
 */
import { error, type Diagnostic } from "../diagnostics.js";
import { JsoncError, setJsonc } from "./jsonc.js";

/** What `planInit` looks at. Paths are relative to the project directory, POSIX separators. */
export interface InitFacts {
  /** The package.json's text. */
  readonly packageJson: string;
  /** The tsconfig's path (what the scripts pass as `--project` unless it is `tsconfig.json`). */
  readonly tsconfigPath: string;
  /** Its text, `undefined` when there is none yet. */
  readonly tsconfig: string | undefined;
  /** The scan warned `MR1003`: standard decorators under `target: ESNext`. */
  readonly unloweredDecorators: boolean;
  /** Some file of the project already has an `@Module` class. */
  readonly hasModules: boolean;
  /** The example module's path and whether a file is already there. */
  readonly example: { readonly path: string; readonly exists: boolean };
  /** How scripts run each other: `npm run`, `pnpm run`, `yarn run`, `bun run`. */
  readonly run: string;
}

/** One file to write: a new one, or an edit of one that exists (`before` is its text now). */
export interface FileChange {
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string;
  /** Why, one line each. */
  readonly reasons: readonly string[];
}

export interface InitPlan {
  readonly changes: readonly FileChange[];
  /** Why init cannot go on (`MR1008`): when there is one, nothing is changed. */
  readonly problems: readonly Diagnostic[];
  /** What init leaves alone and the user may want to do (a script it did not replace, an install). */
  readonly notes: readonly string[];
}

/** The example module written when the project has none. */
export const EXAMPLE_MODULE = `import { Module } from "@modreg/core";

/** A first module: \`modreg generate\` lists it in src/modules.generated.ts. Rename or replace it. */
@Module({ id: "greeter" })
export class Greeter {
  greet(name: string): string {
    return \`Hello, \${name}!\`;
  }
}
`;

/** A tsconfig for a project that has none: ESM, strict, standard decorators lowered (ES2022). */
export const NEW_TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      skipLibCheck: true,
      outDir: "dist",
    },
    include: ["src"],
  },
  null,
  2,
)}\n`;

type Scripts = Record<string, string>;

/** Decides every change `modreg init` makes; `[]` changes when the project is set up. */
export function planInit(facts: InitFacts): InitPlan {
  const changes: FileChange[] = [];
  const problems: Diagnostic[] = [];
  const notes: string[] = [];
  const pkg = planPackageJson(facts, notes);
  if (pkg) changes.push(pkg);
  if (facts.tsconfig === undefined) {
    changes.push({
      path: facts.tsconfigPath,
      before: undefined,
      after: NEW_TSCONFIG,
      reasons: ["no tsconfig yet: ESM (NodeNext), strict, target ES2022 so standard decorators are lowered"],
    });
  } else if (facts.unloweredDecorators) {
    try {
      changes.push({
        path: facts.tsconfigPath,
        before: facts.tsconfig,
        after: setJsonc(facts.tsconfig, ["compilerOptions", "target"], "ES2022"),
        reasons: [
          '"target": "ES2022": under ESNext standard decorators stay unlowered and Node cannot run them (MR1003)',
        ],
      });
    } catch (e) {
      if (!(e instanceof JsoncError)) throw e;
      problems.push(
        error(
          "MR1008",
          `${facts.tsconfigPath} needs "target": "ES2022" (standard decorators under ESNext stay unlowered), but init cannot add it without rewriting the file: ${e.message}`,
          { file: facts.tsconfigPath, line: e.line, column: e.column, length: 1 },
          {
            hint: 'add "target": "ES2022" to its compilerOptions (or set "experimentalDecorators": true), then run `modreg init` again',
          },
        ),
      );
    }
  }
  if (!facts.hasModules) {
    if (facts.example.exists)
      notes.push(`no @Module class found, and ${facts.example.path} exists: no example module written`);
    else
      changes.push({
        path: facts.example.path,
        before: undefined,
        after: EXAMPLE_MODULE,
        reasons: ['no @Module class yet: a first module, Greeter (id "greeter")'],
      });
  }
  return { changes, problems, notes };
}

function planPackageJson(facts: InitFacts, notes: string[]): FileChange | undefined {
  const text = facts.packageJson;
  const pkg = JSON.parse(text) as { scripts?: Scripts; dependencies?: Scripts; devDependencies?: Scripts };
  const scripts: Scripts = { ...(pkg.scripts ?? {}) };
  const project = facts.tsconfigPath === "tsconfig.json" ? "" : ` --project ${facts.tsconfigPath}`;
  const isOurs = (command: string | undefined) => command?.includes("modreg generate") === true;
  const generate =
    scripts["generate"] === undefined || isOurs(scripts["generate"]) ? "generate" : "modreg:generate";
  if (generate !== "generate")
    notes.push(
      `scripts.generate already runs "${scripts["generate"]!}": modreg's is scripts["modreg:generate"]`,
    );
  const added: string[] = [];
  const chained: string[] = [];
  const want = (name: string, command: string) => {
    if (scripts[name] === undefined) {
      scripts[name] = command;
      added.push(name);
    } else if (!isOurs(scripts[name]) && scripts[name] !== command)
      notes.push(`scripts["${name}"] already runs ${JSON.stringify(scripts[name])}: left as it is`);
  };
  want(generate, `modreg generate${project}`);
  want("generate:check", `modreg generate --check${project}`);
  const runGenerate = `${facts.run} ${generate}`;
  for (const hook of ["prebuild", "pretest"]) {
    const existing = scripts[hook];
    if (existing === undefined) {
      scripts[hook] = runGenerate;
      added.push(hook);
    } else if (!existing.includes(runGenerate) && !isOurs(existing)) {
      scripts[hook] = `${runGenerate} && ${existing}`;
      chained.push(hook);
    }
  }
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const missing = ["@modreg/core", "@modreg/codegen"].filter((name) => deps[name] === undefined);
  if (missing.length > 0)
    notes.push(`install ${missing.join(" and ")} (the scripts and the example module need them)`);
  const reasons = [
    ...(added.length > 0 ? [`adds the scripts ${added.join(", ")} (generate:check is for CI)`] : []),
    ...chained.map((hook) => `${hook} runs ${generate} first, then what it ran before`),
  ];
  if (reasons.length === 0) return undefined;
  const after = withScripts(text, scripts);
  return { path: "package.json", before: text, after, reasons };
}

/** package.json with `scripts` replaced, in its own indentation, line endings and final newline. */
function withScripts(text: string, scripts: Scripts): string {
  const data = JSON.parse(text) as Record<string, unknown>;
  data["scripts"] = scripts;
  const indent = /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const json = JSON.stringify(data, null, indent).replace(/\n/g, eol);
  return /\r?\n$/.test(text) ? `${json}${eol}` : json;
}
