import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "./diagnostics.js";
import { writeIfChanged } from "./files.js";
import { checkOutputs, type OutputRequest } from "./outputs.js";
import type { ManifestData, ScanResult } from "./records.js";
import { ProjectScanner } from "./scan/project.js";
import { validate, type ActiveCondition, type Validation } from "./validate/validate.js";
import { writeJson } from "./write/data.js";
import { writeManifest } from "./write/typescript.js";

/** Options of `generate` and `createGenerator`. Relative paths resolve against the current directory. */
export interface GenerateOptions {
  /** The tsconfig file, or a directory holding `tsconfig.json`. */
  readonly project: string;
  /** The generated file; default `src/modules.generated.ts` in the project's directory. */
  readonly out?: string;
  /** Write the file(s) when there are no errors; default `true`. */
  readonly write?: boolean;
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
  const tsconfig = resolveTsconfig(options.project);
  const projectDir = path.dirname(tsconfig);
  const out =
    options.out === undefined
      ? path.join(projectDir, "src", "modules.generated.ts")
      : path.resolve(options.out);
  const json = options.json === undefined ? undefined : path.resolve(options.json);
  const external = new Set(options.external ?? []);
  const scannerOptions = { tsconfig, out, include: options.include ?? [], exclude: options.exclude ?? [] };
  const outputs: OutputRequest[] = [
    { file: out, kind: "manifest", option: "--out" },
    ...(json !== undefined ? [{ file: json, kind: "json" as const, option: "--json" }] : []),
  ];
  let scanner: ProjectScanner | undefined;
  let lastScan: ScanResult | undefined;
  const empty: ManifestData = { formatVersion: 1, package: undefined, modules: [], tokens: [] };
  return {
    get lastScan() {
      return lastScan;
    },
    update(changedFiles) {
      if (scanner && !scanner.update(changedFiles)) scanner = undefined;
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
      if (scanner === undefined) {
        const opened = ProjectScanner.open(scannerOptions);
        if (!opened.scanner) return stopped(opened.diagnostics);
        scanner = opened.scanner;
      }
      // before anything is read: an output that would replace a user's file stops the run
      if (options.write !== false) {
        const refused = checkOutputs(outputs, scanner.projectFiles(), projectDir);
        if (refused.length > 0) return stopped(refused);
      }
      const t1 = performance.now();
      const scanned = scanner.scan();
      const t2 = performance.now();
      const { scan, validation } = validateExplained(scanner, scanned, active, external);
      const { manifest, diagnostics } = validation;
      lastScan = scan;
      const t3 = performance.now();
      const code = writeManifest(manifest, { out, importStyle: scan.importStyle });
      const jsonText = json === undefined ? undefined : writeJson(manifest);
      const written: string[] = [];
      if (options.write !== false && !diagnostics.some((d) => d.severity === "error")) {
        if (writeIfChanged(out, code)) written.push(out);
        if (json !== undefined && writeIfChanged(json, jsonText!)) written.push(json);
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
