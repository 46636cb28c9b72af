/**
 * Writes a synthetic modreg project for the codegen-scale benchmark: `modules` classes spread
 * over files of `perFile` each, in areas of 50 files, importing each other across files, with
 * the mix a real application has — constructor injection by class and by interface, plugin
 * arrays, `Lazy<T>`, `Factory<T, A>` with runtime arguments, optional dependencies on
 * conditional (`when.env`) modules, versioned `dependencies`, capabilities and metadata.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { prng } from "./graphs.ts";

export interface SyntheticProject {
  readonly dir: string;
  readonly tsconfig: string;
  readonly out: string;
  readonly files: number;
  readonly modules: number;
  /** How many modules of each kind, for the report. */
  readonly mix: Readonly<Record<Kind, number>>;
  /** A source file the watch benchmark edits. */
  readonly editable: string;
}

type Kind = "port" | "plugin" | "conditional" | "lazy" | "factory" | "plain";

const AREA_FILES = 50;
const PLUGIN_KINDS = 8;

/** What module `i` is: one in 20 of each special kind, the rest plain singletons. */
function kindOf(i: number): Kind {
  switch (i % 20) {
    case 0:
      return "port";
    case 1:
      return i % 40 === 1 ? "conditional" : "plugin";
    case 2:
      return "lazy";
    case 3:
      return "factory";
    default:
      return "plain";
  }
}

export function writeSyntheticProject(dir: string, modules: number, perFile = 5): SyntheticProject {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src", "contracts"), { recursive: true });
  const rnd = prng(modules);
  const fileOf = (i: number) => Math.floor(i / perFile);
  const areaOf = (f: number) => Math.floor(f / AREA_FILES);
  const pathOf = (f: number) => `src/area-${areaOf(f)}/unit-${f}.ts`;
  const files = Math.ceil(modules / perFile);
  const mix: Record<Kind, number> = { port: 0, plugin: 0, conditional: 0, lazy: 0, factory: 0, plain: 0 };

  // Interfaces: one port per "port" module, in its area's contracts file; plugin interfaces in one file.
  const ports = new Map<number, string[]>();
  for (let i = 0; i < modules; i += 20) {
    const area = areaOf(fileOf(i));
    const list = ports.get(area) ?? [];
    list.push(
      `export interface Port${i / 20} {\n  readonly name: string;\n  handle(input: string): string;\n}`,
    );
    ports.set(area, list);
  }
  for (const [area, list] of ports)
    writeFileSync(join(dir, `src/contracts/ports-${area}.ts`), list.join("\n\n") + "\n");
  writeFileSync(
    join(dir, "src/contracts/plugins.ts"),
    Array.from(
      { length: PLUGIN_KINDS },
      (_, k) => `export interface Plugin${k} {\n  readonly key: string;\n}`,
    ).join("\n\n") + "\n",
  );

  /** Earlier modules a constructor may take by class: plain or port singletons, never conditional. */
  const injectable: number[] = [];
  const lazies: number[] = [];
  const factories: number[] = [];
  const conditionals: number[] = [];
  const pick = (from: readonly number[]) => from[Math.floor(rnd() * from.length)];

  for (let f = 0; f < files; f++) {
    const imports = new Map<string, Set<string>>();
    const use = (from: string, name: string) => {
      const set = imports.get(from) ?? new Set<string>();
      set.add(name);
      imports.set(from, set);
    };
    const coreNames = new Set(["Module"]);
    const classImport = (j: number) => {
      if (fileOf(j) !== f) use(relative(pathOf(f), pathOf(fileOf(j))), `Svc${j}`);
    };
    const body: string[] = [];
    for (let i = f * perFile; i < Math.min(modules, (f + 1) * perFile); i++) {
      const kind = kindOf(i);
      mix[kind]++;
      const params: string[] = [];
      const options: string[] = [`version: "1.${i % 7}.${i % 3}"`];
      const heritage: string[] = [];
      const members: string[] = [];

      // Up to two direct dependencies by class.
      const direct = new Set<number>();
      for (let n = Math.floor(rnd() * 3); n > 0 && injectable.length > 0; n--) {
        const j = pick(injectable);
        if (j !== undefined) direct.add(j);
      }
      for (const j of direct) {
        classImport(j);
        params.push(`private readonly svc${j}: Svc${j}`);
      }
      // Plain modules also use the special features. A plugin-array consumer is a top-level
      // module (nothing takes it), or a later plugin implementer could close a cycle.
      let topLevel = false;
      if (kind === "plain") {
        const r = rnd();
        if (r < 0.25 && i >= 20) {
          const p = Math.floor(rnd() * Math.floor(i / 20));
          use(relative(pathOf(f), `src/contracts/ports-${areaOf(fileOf(p * 20))}.ts`), `type Port${p}`);
          params.push(`private readonly port${p}: Port${p}`);
        } else if (r < 0.4 && lazies.length > 0) {
          const j = pick(lazies) ?? 0;
          classImport(j);
          coreNames.add("type Lazy");
          params.push(`private readonly lazy${j}: Lazy<Svc${j}>`);
        } else if (r < 0.55 && factories.length > 0) {
          const j = pick(factories) ?? 0;
          classImport(j);
          coreNames.add("type Factory");
          params.push(`private readonly make${j}: Factory<Svc${j}, [tenant: string]>`);
        } else if (r < 0.65) {
          const k = i % PLUGIN_KINDS;
          use(relative(pathOf(f), "src/contracts/plugins.ts"), `type Plugin${k}`);
          params.push(`private readonly plugins: Plugin${k}[]`);
          topLevel = true;
        } else if (r < 0.72 && conditionals.length > 0) {
          const j = pick(conditionals) ?? 0;
          classImport(j);
          params.push(`private readonly metrics?: Svc${j}`);
        } else if (r < 0.8 && direct.size === 0 && injectable.length > 0) {
          const j = pick(injectable) ?? 0;
          options.push(`dependencies: ["Svc${j}@^1.0.0"]`);
        }
        if (i % 9 === 0) options.push(`capabilities: ["cap-${i % 5}", "cap-${i % 3}"]`);
        if (i % 11 === 0) options.push(`metadata: { displayName: "Service ${i}", weight: ${i % 13} }`);
      }
      if (kind === "port") {
        use(relative(pathOf(f), `src/contracts/ports-${areaOf(f)}.ts`), `type Port${i / 20}`);
        heritage.push(`Port${i / 20}`);
        members.push(
          `readonly name = "port-${i}";`,
          "handle(input: string): string {\n    return input;\n  }",
        );
      }
      if (kind === "plugin" || kind === "conditional") {
        const k = i % PLUGIN_KINDS;
        use(relative(pathOf(f), "src/contracts/plugins.ts"), `type Plugin${k}`);
        heritage.push(`Plugin${k}`);
        members.push(`readonly key = "plugin-${i}";`);
        if (kind === "conditional") options.push(`when: { env: "production" }`);
      }
      if (kind === "lazy") options.push(`scope: "lazy"`);
      if (kind === "factory") {
        options.push(`scope: "factory"`, `args: ["tenant"]`);
        params.push("readonly tenant: string");
      }
      const implementsClause = heritage.length > 0 ? ` implements ${heritage.join(", ")}` : "";
      const ctor = params.length > 0 ? [`constructor(${params.join(", ")}) {}`] : [];
      body.push(
        `@Module({ ${options.join(", ")} })\nexport class Svc${i}${implementsClause} {\n` +
          [...members, ...ctor].map((m) => `  ${m}`).join("\n") +
          "\n}",
      );
      if ((kind === "plain" && !topLevel) || kind === "port") injectable.push(i);
      if (kind === "lazy") lazies.push(i);
      if (kind === "factory") factories.push(i);
      if (kind === "conditional") conditionals.push(i);
    }
    const head = [`import { ${[...coreNames].join(", ")} } from "@modreg/core";`];
    for (const [from, names] of [...imports].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      head.push(`import { ${[...names].join(", ")} } from "${from}";`);
    }
    const file = join(dir, pathOf(f));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${head.join("\n")}\n\n${body.join("\n\n")}\n`);
  }

  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "modreg-bench-synthetic", private: true, type: "module" }, null, 2) + "\n",
  );
  const tsconfig = join(dir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: [],
        },
        include: ["src"],
      },
      null,
      2,
    ) + "\n",
  );
  return {
    dir,
    tsconfig,
    out: join(dir, "src", "modules.generated.ts"),
    files: files + ports.size + 1,
    modules,
    mix,
    editable: join(dir, pathOf(Math.floor(files / 2))),
  };
}

/** POSIX relative import specifier from one project file to another, with NodeNext's `.js`. */
function relative(fromFile: string, toFile: string): string {
  const from = fromFile.split("/").slice(0, -1);
  const to = toFile.split("/");
  let common = 0;
  while (common < from.length && from[common] === to[common]) common++;
  const up = from.length - common;
  const rest = to.slice(common).join("/").replace(/\.ts$/, ".js");
  return up === 0 ? `./${rest}` : `${"../".repeat(up)}${rest}`;
}
