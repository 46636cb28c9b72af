import { ModuleRegistryError } from "@modreg/core";

/** Options of the modreg bundler plugin. Paths resolve against the bundler's root (Vite) or the current directory. */
export interface ModregPluginOptions {
  /** The tsconfig file, or a directory holding `tsconfig.json`; default `tsconfig.json`. */
  readonly project?: string;
  /** The generated file, as `modreg generate --out`; default `src/modules.generated.ts` beside the tsconfig. */
  readonly out?: string;
  /** Also write the graph as JSON (as `--json`). */
  readonly json?: string;
  /** Globs of the files to look for modules in (as `--include`). */
  readonly include?: readonly string[];
  /** Globs of files not to look for modules in (as `--exclude`). */
  readonly exclude?: readonly string[];
  /** Module ids a host provides (as `--external`). */
  readonly external?: readonly string[];
  /**
   * A `modreg.config.json` listing several outputs (as `--config`). Without it, and without
   * `out`/`json`/`include`/`exclude`, the plugin reads the `modreg.config.json` beside the
   * tsconfig when there is one, as the CLI does.
   */
  readonly config?: string;
  /** Only these entries of the config (as `--entry`); default all. */
  readonly entries?: readonly string[];
  /**
   * Lower TC39 standard decorators with TypeScript before the bundler sees the file, for
   * bundlers that leave them for a runtime that cannot parse them (Vite 8 / Rolldown's oxc,
   * esbuild at its default `esnext` target). `"auto"` (default) does it exactly there when
   * the tsconfig uses standard decorators; `true` always; `false` never.
   */
  readonly lowerDecorators?: boolean | "auto";
  /** Regenerate on source changes in dev servers and watch builds; default `true`. */
  readonly watch?: boolean;
}

const KEYS = new Set([
  "project",
  "out",
  "json",
  "include",
  "exclude",
  "external",
  "config",
  "entries",
  "lowerDecorators",
  "watch",
]);

function invalid(message: string): never {
  throw new ModuleRegistryError("INVALID_ARGUMENT", `modreg plugin: ${message}`);
}

function stringList(name: string, value: unknown): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "")))
    invalid(`\`${name}\` must be an array of non-empty strings, got ${JSON.stringify(value)}`);
}

/** Checks the user's options; bad ones are an `INVALID_ARGUMENT` error naming the option. */
export function checkOptions(options: unknown): ModregPluginOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options))
    invalid(`options must be an object, got ${JSON.stringify(options)}`);
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KEYS.has(key)) invalid(`unknown option \`${key}\` (known: ${[...KEYS].join(", ")})`);
  }
  for (const key of ["project", "out", "json", "config"]) {
    const value = record[key];
    if (value !== undefined && (typeof value !== "string" || value === ""))
      invalid(`\`${key}\` must be a non-empty path, got ${JSON.stringify(value)}`);
  }
  for (const key of ["include", "exclude", "external", "entries"]) stringList(key, record[key]);
  if (
    record["config"] !== undefined &&
    ["out", "json", "include", "exclude"].some((k) => record[k] !== undefined)
  )
    invalid("`config` lists the outputs: `out`, `json`, `include` and `exclude` go in its entries");
  const lower = record["lowerDecorators"];
  if (lower !== undefined && typeof lower !== "boolean" && lower !== "auto")
    invalid(`\`lowerDecorators\` must be true, false or "auto", got ${JSON.stringify(lower)}`);
  if (record["watch"] !== undefined && typeof record["watch"] !== "boolean")
    invalid(`\`watch\` must be a boolean, got ${JSON.stringify(record["watch"])}`);
  return record;
}
