/** A parsed command line. */
export interface CommandLine {
  readonly command: "generate" | "check" | "graph" | "help" | "version";
  readonly project: string | undefined;
  readonly out: string | undefined;
  readonly json: string | undefined;
  readonly include: string[];
  readonly exclude: string[];
  readonly external: string[];
  readonly watch: boolean;
  readonly check: boolean;
  readonly env: string | undefined;
  readonly features: string[];
  readonly format: "mermaid" | "dot" | "json";
}

/** A usage error: the CLI prints it with the usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `Usage: modreg <command> [options]

Commands:
  generate   scan the project, validate the graph and write the manifest
  check      validate only; with --env/--feature also the graph active under them
  graph      print the dependency graph

Options:
  -p, --project <file>   tsconfig.json of the project (default: ./tsconfig.json)
  -o, --out <file>       generate: the manifest file (default: src/modules.generated.ts in the project)
                         graph: write the graph here instead of stdout
      --json <file>      generate: also write the graph as JSON data
      --include <glob>   only look for modules in matching files (repeatable)
      --exclude <glob>   do not look for modules in matching files (repeatable)
      --external <id>    a module id provided by the app that loads this manifest (plugins):
                         \`dependencies\` may name it; the container checks it on load (repeatable)
  -w, --watch            generate: regenerate on every change
      --check            generate: write nothing; exit 1 when the file on disk is stale or the graph invalid
      --env <name>       check: validate the graph active in this environment
      --feature <name>   check: with this feature on (repeatable)
      --format <f>       graph: mermaid (default), dot or json
  -h, --help             show this help
  -v, --version          show the version

Exit codes: 0 ok, 1 diagnostics or stale file, 2 usage or config error.
`;

const VALUE_FLAGS: Record<string, string> = {
  "--project": "project",
  "-p": "project",
  "--out": "out",
  "-o": "out",
  "--json": "json",
  "--include": "include",
  "--exclude": "exclude",
  "--external": "external",
  "--env": "env",
  "--feature": "feature",
  "--format": "format",
};
const BOOLEAN_FLAGS: Record<string, string> = {
  "--watch": "watch",
  "-w": "watch",
  "--check": "check",
  "--help": "help",
  "-h": "help",
  "--version": "version",
  "-v": "version",
};
const ALLOWED: Record<string, readonly string[]> = {
  generate: ["project", "out", "json", "include", "exclude", "external", "watch", "check"],
  check: ["project", "out", "include", "exclude", "external", "env", "feature"],
  graph: ["project", "out", "include", "exclude", "external", "format"],
};

/** Parses `argv` (without `node` and the script); throws `UsageError` on anything unknown. */
export function parseArgs(argv: readonly string[]): CommandLine {
  const values: Record<string, string[]> = {};
  const booleans = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS[flag] !== undefined) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") throw new UsageError(`${flag} needs a value`);
      (values[VALUE_FLAGS[flag]] ??= []).push(value);
    } else if (BOOLEAN_FLAGS[flag] !== undefined && eq < 0) booleans.add(BOOLEAN_FLAGS[flag]);
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${flag}`);
    else positionals.push(arg);
  }
  if (booleans.has("help")) return build("help", values, booleans);
  if (booleans.has("version")) return build("version", values, booleans);
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError("missing command");
  if (!(command in ALLOWED)) throw new UsageError(`unknown command "${command}"`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]!}"`);
  for (const name of [...Object.keys(values), ...booleans]) {
    if (!ALLOWED[command]!.includes(name))
      throw new UsageError(`--${name} does not apply to "modreg ${command}"`);
  }
  for (const name of ["project", "out", "json", "env", "format"]) {
    if ((values[name]?.length ?? 0) > 1) throw new UsageError(`--${name} given more than once`);
  }
  const format = values["format"]?.[0] ?? "mermaid";
  if (format !== "mermaid" && format !== "dot" && format !== "json") {
    throw new UsageError(`--format must be mermaid, dot or json (got "${format}")`);
  }
  if (booleans.has("watch") && booleans.has("check"))
    throw new UsageError("--watch and --check cannot be combined");
  return build(command as CommandLine["command"], values, booleans);
}

function build(
  command: CommandLine["command"],
  values: Record<string, string[]>,
  booleans: Set<string>,
): CommandLine {
  const format = values["format"]?.[0];
  return {
    command,
    project: values["project"]?.[0],
    out: values["out"]?.[0],
    json: values["json"]?.[0],
    include: values["include"] ?? [],
    exclude: values["exclude"] ?? [],
    external: values["external"] ?? [],
    watch: booleans.has("watch"),
    check: booleans.has("check"),
    env: values["env"]?.[0],
    features: values["feature"] ?? [],
    format: format === "dot" || format === "json" ? format : "mermaid",
  };
}
