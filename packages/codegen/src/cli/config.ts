/**
 * `modreg.config.json`: several outputs of one project (one tsconfig, one program), each with
 * its own files and manifest — a browser extension's background and content scripts, an app
 * and its workers.
 *
 * ```json
 * {
 *   "entries": [
 *     { "name": "background", "out": "src/background/modules.generated.ts", "include": ["src/background", "src/shared"] },
 *     { "name": "content", "out": "src/content/modules.generated.ts", "include": ["src/content", "src/shared"] }
 *   ]
 * }
 * ```
 * Paths are relative to the config file. With several entries each manifest exports its own
 * `Registry` (`registry: "local"`), so the manifests type-check in one program.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { OutputOptions } from "../generate.js";
import type { CommandLine } from "./args.js";
import { UsageError } from "./args.js";
import { suggest } from "./suggest.js";

/** The file `modreg` looks for beside the tsconfig. */
export const CONFIG_FILE = "modreg.config.json";

const ENTRY_KEYS = ["name", "out", "json", "include", "exclude", "external", "registry"] as const;

/**
 * The outputs a command line asks for from a config file (`--config`, or `modreg.config.json`
 * beside the tsconfig when no output option is given), filtered by `--entry`; `undefined`
 * when there is no config. Problems are usage errors (exit 2).
 */
export function configuredOutputs(
  args: CommandLine,
  tsconfig: string,
  cwd: string,
): OutputOptions[] | undefined {
  const command = args.command === "help" || args.command === "version" ? undefined : args.command;
  const single =
    args.out !== undefined || args.json !== undefined || args.include.length > 0 || args.exclude.length > 0;
  const file =
    args.config !== undefined ? path.resolve(cwd, args.config) : single ? undefined : configBeside(tsconfig);
  if (file === undefined) {
    if (args.entries.length > 0)
      throw new UsageError(`--entry needs a ${CONFIG_FILE} (or --config)`, command);
    return undefined;
  }
  if (args.config !== undefined && single && args.command !== "graph") {
    throw new UsageError(
      "--config lists the outputs: --out, --json, --include and --exclude go in its entries",
      command,
    );
  }
  try {
    return readConfig(file, { cwd, entries: args.entries });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message, command);
    throw e;
  }
}

/** The `modreg.config.json` beside a tsconfig, when there is one. */
export function configBeside(tsconfig: string): string | undefined {
  const file = path.join(path.dirname(tsconfig), CONFIG_FILE);
  return existsSync(file) ? file : undefined;
}

/** A config file that cannot be used: the message names the file and what is wrong. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * The outputs a `modreg.config.json` lists (paths resolved against its directory), only the
 * `entries` named when some are; shared by the CLI (`--config`, `--entry`) and the bundler
 * plugin (`config`, `entries`). Problems throw a `ConfigError`.
 */
export function readConfig(
  file: string,
  {
    cwd = process.cwd(),
    entries: wanted = [],
  }: { readonly cwd?: string; readonly entries?: readonly string[] } = {},
): OutputOptions[] {
  const shown = path.relative(cwd, file) || file;
  const problem = (what: string) => new ConfigError(`${shown}: ${what}`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw problem(existsSync(file) ? `not valid JSON (${(e as Error).message})` : "no such file");
  }
  const entries = (data as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries) || entries.length === 0) throw problem(`needs "entries": a non-empty array`);
  const base = path.dirname(file);
  const outputs = entries.map((entry: unknown, i) =>
    readEntry(entry, `entries[${i}]`, base, entries.length, problem),
  );
  const names = outputs.map((o) => o.name!);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw problem(`two entries are named "${twice}"`);
  if (outputs.filter((o) => o.registry === "global").length > 1)
    throw problem(`only one entry can augment the global ModuleRegistry ("registry": "global")`);
  for (const name of wanted) {
    if (!names.includes(name)) {
      const guess = suggest(name, names);
      throw problem(`no entry named "${name}"${guess === undefined ? "" : ` (did you mean "${guess}"?)`}`);
    }
  }
  return wanted.length === 0 ? outputs : outputs.filter((o) => wanted.includes(o.name!));
}

function readEntry(
  entry: unknown,
  where: string,
  base: string,
  count: number,
  problem: (what: string) => ConfigError,
): OutputOptions {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry))
    throw problem(`${where} must be an object`);
  const value = entry as Record<string, unknown>;
  const unknown = Object.keys(value).find((k) => !(ENTRY_KEYS as readonly string[]).includes(k));
  if (unknown !== undefined)
    throw problem(`${where}.${unknown} is not an entry option (${ENTRY_KEYS.join(", ")})`);
  const text = (key: string): string | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw problem(`${where}.${key} must be a non-empty string`);
    return v;
  };
  const texts = (key: string): string[] => {
    const v = value[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === ""))
      throw problem(`${where}.${key} must be an array of non-empty strings`);
    return v as string[];
  };
  const out = text("out");
  if (out === undefined) throw problem(`${where}.out is required: the manifest file the entry writes`);
  const registry = text("registry");
  if (registry !== undefined && registry !== "global" && registry !== "local")
    throw problem(`${where}.registry must be "global" or "local"`);
  const json = text("json");
  return {
    name: text("name") ?? out,
    out: path.resolve(base, out),
    ...(json !== undefined && { json: path.resolve(base, json) }),
    include: texts("include"),
    exclude: texts("exclude"),
    external: texts("external"),
    registry: registry ?? (count > 1 ? "local" : "global"),
  };
}
