import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "./diagnostics.js";
import { rewriteIfChanged, type LastWrite } from "./files.js";
import { checkOutputs, type OutputRequest } from "./outputs.js";
import type { ManifestData, ScanResult } from "./records.js";
import { pathFilter } from "./scan/glob.js";
import { ProjectScanner, type ScannerOptions } from "./scan/project.js";
import { validate, type ActiveCondition, type Validation } from "./validate/validate.js";
import { writeJson } from "./write/data.js";
import { writeManifest, type RegistryPlacement } from "./write/typescript.js";

/** What one output of a program writes and which files it takes modules from. Relative paths resolve against the current directory. */
export interface OutputOptions {
  /** The generated file; default `src/modules.generated.ts` in the project's directory. */
  readonly out?: string;
  /** Also write the graph as JSON data to this file. */
  readonly json?: string;
  /** Globs (relative to the project directory) of the files to look for modules in. */
  readonly include?: readonly string[];
  /** Globs of files not to look for modules in. */
  readonly exclude?: readonly string[];
  /**
   * Module ids the app that loads this manifest provides (a plugin's host modules):
   * `dependencies` may name them without a module here; the container checks them (and
   * their version ranges) when the manifest is loaded.
   */
  readonly external?: readonly string[];
  /**
   * `"global"` (default for one output) augments `@modreg/core`'s `ModuleRegistry`; `"local"`
   * (default for each of several outputs) exports a `Registry` and a `Manifest<Registry>`.
   */
  readonly registry?: RegistryPlacement;
  /** A name for messages (`modreg generate --entry <name>`); default: the `out` path. */
  readonly name?: string;
}

/** Options of `generate` and `createGenerator`: one output of a project. */
export interface GenerateOptions extends OutputOptions {
  /** The tsconfig file, or a directory holding `tsconfig.json`. */
  readonly project: string;
  /** Write the file(s) when there are no errors; default `true`. */
  readonly write?: boolean;
}

/** Options of `createGenerators`: several outputs of one program, each with its own files. */
export interface GenerateAllOptions {
  /** The tsconfig file, or a directory holding `tsconfig.json`. */
  readonly project: string;
  readonly outputs: readonly OutputOptions[];
  /** Write the files when there are no errors; default `true`. */
  readonly write?: boolean;
}

/** What one generation produced. */
export interface GenerateResult {
  /** The generated TypeScript; empty when config errors stopped the run. */
  readonly code: string;
  /** The graph as data (also what `--json` writes). */
  readonly manifest: ManifestData;
  /** Sorted by file and position; nothing was written when one is an error. */
  readonly diagnostics: readonly Diagnostic[];
  /** The `--json` text, when `json` was given. */
  readonly json?: string;
  /** Absolute path of the generated file. */
  readonly out: string;
  /** Absolute directory of the project (diagnostic files are relative to it). */
  readonly projectDir: string;
  /** Files whose content changed on disk in this run. */
  readonly written: readonly string[];
  /** Milliseconds per stage of this run: `load` (tsconfig and parsing, first run only), `scan`, `validate`, `write`. */
  readonly timings: Readonly<Record<"load" | "scan" | "validate" | "write", number>>;
}

/** A reusable generator: keeps the program between runs (`--watch`). */
export interface Generator {
  /** Scans, validates and (unless `write: false`) writes. `active` also validates the graph active under it. */
  run(active?: ActiveCondition): GenerateResult;
  /** Takes changed files into account before the next `run`. */
  update(changedFiles: readonly string[]): void;
  /** The scan stage's records of the last run, for tools built on top. */
  readonly lastScan: ScanResult | undefined;
}

/** Resolves `project` to a tsconfig path. */
export function resolveTsconfig(project: string): string {
  const resolved = path.resolve(project);
  return existsSync(resolved) && statSync(resolved).isDirectory()
    ? path.join(resolved, "tsconfig.json")
    : resolved;
}

/**
 * Creates a generator that reuses one TypeScript program across runs.
 *
 * @example
 * const generator = createGenerator({ project: "tsconfig.json" });
 * generator.run();
 * generator.update(["src/database.ts"]);
 * generator.run(); // only what the edit affects is read again
 */
export function createGenerator(options: GenerateOptions): Generator {
  const { project, write, ...output } = options;
  return createGenerators({ project, outputs: [output], ...(write !== undefined && { write }) })[0]!;
}

/**
 * Creates one generator per output, all over one TypeScript program (one tsconfig): each
 * takes the modules of its own `include`/`exclude` files and writes its own manifest, whose
 * registry is its own (`registry: "local"`) so the manifests type-check together.
 *
 * @example
 * const [background, content] = createGenerators({
 *   project: "tsconfig.json",
 *   outputs: [
 *     { out: "src/background/modules.generated.ts", include: ["src/background", "src/shared"] },
 *     { out: "src/content/modules.generated.ts", include: ["src/content", "src/shared"] },
 *   ],
 * });
 */
export function createGenerators(options: GenerateAllOptions): Generator[] {
  const tsconfig = resolveTsconfig(options.project);
  const projectDir = path.dirname(tsconfig);
  const several = options.outputs.length > 1;
  const outs = options.outputs.map((o) =>
    o.out === undefined ? path.join(projectDir, "src", "modules.generated.ts") : path.resolve(o.out),
  );
  // one walk for every output: the union of their files (each output filters its own)
  const include = options.outputs.some((o) => (o.include ?? []).length === 0)
    ? []
    : options.outputs.flatMap((o) => o.include ?? []);
  const shared = new SharedScanner({
    tsconfig,
    out: outs[0]!,
    otherOutputs: outs.slice(1),
    include,
    exclude: several ? [] : (options.outputs[0]?.exclude ?? []),
  });
  const requests: OutputRequest[][] = [];
  return options.outputs.map((output, i) => {
    const label = several
      ? `entry ${JSON.stringify(output.name ?? path.relative(projectDir, outs[i]!))} `
      : "--";
    const json = output.json === undefined ? undefined : path.resolve(output.json);
    const own: OutputRequest[] = [
      { file: outs[i]!, kind: "manifest", option: `${label}out` },
      ...(json !== undefined ? [{ file: json, kind: "json" as const, option: `${label}json` }] : []),
    ];
    const earlier = requests.flat();
    requests.push(own);
    return outputGenerator(shared, {
      out: outs[i]!,
      json,
      requests: own,
      earlier,
      projectDir,
      write: options.write !== false,
      external: new Set(output.external ?? []),
      registry: output.registry ?? (several ? "local" : "global"),
      walkable: several ? pathFilter(output.include ?? [], output.exclude ?? []) : undefined,
    });
  });
}

/** One scanner (one program) that every output's generator shares; reopened when the tsconfig changes. */
class SharedScanner {
  private scanner: ProjectScanner | undefined;
  constructor(private readonly options: ScannerOptions) {}

  open(): { scanner?: ProjectScanner; diagnostics: readonly Diagnostic[] } {
    if (this.scanner) return { scanner: this.scanner, diagnostics: [] };
    const opened = ProjectScanner.open(this.options);
    this.scanner = opened.scanner;
    return opened;
  }

  update(changedFiles: readonly string[]): void {
    if (this.scanner && !this.scanner.update(changedFiles)) this.scanner = undefined;
  }
}

interface OutputPlan {
  readonly out: string;
  readonly json: string | undefined;
  readonly requests: readonly OutputRequest[];
  /** Outputs of the generators before this one (a path two outputs name is refused). */
  readonly earlier: readonly OutputRequest[];
  readonly projectDir: string;
  readonly write: boolean;
  readonly external: ReadonlySet<string>;
  readonly registry: RegistryPlacement;
  /** Which (project-relative) files this output takes modules from, when it shares the scan. */
  readonly walkable: ((file: string) => boolean) | undefined;
}

function outputGenerator(shared: SharedScanner, plan: OutputPlan): Generator {
  const { out, json, projectDir, external } = plan;
  let lastScan: ScanResult | undefined;
  const lastWrites: Record<"out" | "json", LastWrite> = { out: {}, json: {} };
  const empty: ManifestData = { formatVersion: 1, package: undefined, modules: [], tokens: [] };
  return {
    get lastScan() {
      return lastScan;
    },
    update(changedFiles) {
      shared.update(changedFiles);
    },
    run(active) {
      const t0 = performance.now();
      const stopped = (diagnostics: readonly Diagnostic[]): GenerateResult => ({
        code: "",
        manifest: empty,
        diagnostics,
        out,
        projectDir,
        written: [],
        timings: { load: performance.now() - t0, scan: 0, validate: 0, write: 0 },
      });
      const { scanner, diagnostics: problems } = shared.open();
      if (!scanner) return stopped(problems);
      // before anything is read: an output that would replace a user's file stops the run
      if (plan.write) {
        const refused = checkOutputs(plan.requests, scanner.projectFiles(), projectDir, plan.earlier);
        if (refused.length > 0) return stopped(refused);
      }
      const t1 = performance.now();
      const scanned = ownPart(scanner.scan(), plan.walkable);
      const t2 = performance.now();
      const { scan, validation } = validateExplained(scanner, scanned, active, external);
      const { manifest, diagnostics } = validation;
      lastScan = scan;
      const t3 = performance.now();
      const code = writeManifest(manifest, { out, importStyle: scan.importStyle, registry: plan.registry });
      const jsonText = json === undefined ? undefined : writeJson(manifest);
      const written: string[] = [];
      if (plan.write && !diagnostics.some((d) => d.severity === "error")) {
        if (rewriteIfChanged(out, code, lastWrites.out)) written.push(out);
        if (json !== undefined && rewriteIfChanged(json, jsonText!, lastWrites.json)) written.push(json);
      }
      return {
        code,
        manifest,
        diagnostics,
        ...(jsonText !== undefined && { json: jsonText }),
        out,
        projectDir,
        written,
        timings: { load: t1 - t0, scan: t2 - t1, validate: t3 - t2, write: performance.now() - t3 },
      };
    },
  };
}

/** The modules (and file problems) of one output's files, out of a scan shared by several outputs. */
function ownPart(scan: ScanResult, walkable: ((file: string) => boolean) | undefined): ScanResult {
  if (walkable === undefined) return scan;
  return {
    ...scan,
    modules: scan.modules.filter((m) => walkable(m.location.file)),
    diagnostics: (scan.diagnostics ?? []).filter(
      (d) => d.location === undefined || walkable(d.location.file),
    ),
  };
}

/**
 * Validates; when a parameter's type has no provider, asks the program why (a
 * decorated class outside the scan, a look-alike without `implements`) and validates with that
 * explanation, so the checker is built for it only on that error path.
 */
function validateExplained(
  scanner: ProjectScanner,
  scan: ScanResult,
  active: ActiveCondition | undefined,
  external: ReadonlySet<string>,
): { scan: ScanResult; validation: Validation } {
  const validation = validate(scan, active, external);
  const explained = scanner.explain(scan, validation.missing);
  if (explained === scan) return { scan, validation };
  return { scan: explained, validation: validate(explained, active, external) };
}

/**
 * Generates the manifest of a project: scan → validate → write. Never exits the process;
 * problems come back as diagnostics, and when one is an error nothing is written.
 *
 * @example
 * const { diagnostics } = await generate({ project: "tsconfig.json" });
 * if (diagnostics.length > 0) console.error(diagnostics.map((d) => d.message).join("\n"));
 */
export function generate(options: GenerateOptions): Promise<GenerateResult> {
  return new Promise((resolve) => resolve(createGenerator(options).run()));
}
