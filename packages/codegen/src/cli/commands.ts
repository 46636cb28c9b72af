/**
 * The commands and options of `modreg`, as one table: the parser reads which options a command
 * takes from it, and every help text is printed from it.
 */

/** A command the user can run. */
export type CommandName = "generate" | "check" | "graph" | "migrate" | "init";

/** An option's internal name (what `parseArgs` collects it under). */
export type OptionName =
  | "project"
  | "config"
  | "entry"
  | "out"
  | "json"
  | "include"
  | "exclude"
  | "external"
  | "watch"
  | "check"
  | "env"
  | "feature"
  | "format"
  | "yes"
  | "dry-run"
  | "from"
  | "help"
  | "version";

interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  /** The value placeholder of an option that takes one (`<file>`). */
  readonly value?: string;
  readonly repeatable?: boolean;
}

export const OPTIONS: Readonly<Record<OptionName, OptionSpec>> = {
  project: { long: "--project", short: "-p", value: "<file>" },
  config: { long: "--config", short: "-c", value: "<file>" },
  entry: { long: "--entry", value: "<name>", repeatable: true },
  out: { long: "--out", short: "-o", value: "<file>" },
  json: { long: "--json", value: "<file>" },
  include: { long: "--include", value: "<glob>", repeatable: true },
  exclude: { long: "--exclude", value: "<glob>", repeatable: true },
  external: { long: "--external", value: "<id>", repeatable: true },
  watch: { long: "--watch", short: "-w" },
  check: { long: "--check" },
  env: { long: "--env", value: "<name>" },
  feature: { long: "--feature", value: "<name>", repeatable: true },
  format: { long: "--format", value: "<f>" },
  yes: { long: "--yes", short: "-y" },
  "dry-run": { long: "--dry-run" },
  from: { long: "--from", value: "<library>" },
  help: { long: "--help", short: "-h" },
  version: { long: "--version", short: "-v" },
};

interface CommandSpec {
  readonly summary: string;
  readonly usage: string;
  /** The options it takes, each with what it means for this command. */
  readonly options: readonly (readonly [OptionName, string])[];
  readonly notes?: string;
}

const SCAN_OPTIONS = [
  ["include", "only look for modules in matching files (repeatable)"],
  ["exclude", "do not look for modules in matching files (repeatable)"],
  [
    "external",
    "a module id provided by the app that loads this manifest (plugins):\n`dependencies` may name it; the container checks it on load (repeatable)",
  ],
] as const;

const PROJECT = ["project", "tsconfig.json of the project (default: ./tsconfig.json)"] as const;

const ENTRIES = [
  [
    "config",
    "a modreg.config.json listing several outputs of the project (default:\nmodreg.config.json beside the tsconfig, when no --out/--json/--include/--exclude)",
  ],
  ["entry", "only this entry of the config, by name (repeatable)"],
] as const;

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  generate: {
    summary: "scan the project, validate the graph and write the manifest",
    usage: "modreg generate [options]",
    options: [
      PROJECT,
      ["out", "the manifest file (default: src/modules.generated.ts in the project)"],
      ["json", "also write the graph as JSON data"],
      ...ENTRIES,
      ...SCAN_OPTIONS,
      ["watch", "regenerate on every change"],
      ["check", "write nothing; exit 1 when the file on disk is stale or the graph invalid"],
    ],
  },
  check: {
    summary: "validate only; with --env/--feature also the graph active under them",
    usage: "modreg check [options]",
    options: [
      PROJECT,
      ["out", "the manifest file, left out of the scan (default: src/modules.generated.ts)"],
      ...ENTRIES,
      ...SCAN_OPTIONS,
      ["env", "validate the graph active in this environment"],
      ["feature", "with this feature on (repeatable)"],
    ],
  },
  graph: {
    summary: "draw the dependency graph, cycles marked",
    usage: "modreg graph [options]",
    options: [
      PROJECT,
      ["out", "write the graph to this file instead of stdout"],
      ...ENTRIES,
      ...SCAN_OPTIONS,
      [
        "format",
        "mermaid, dot, json, svg or png (svg and png run Graphviz `dot`);\ndefault: from the --out extension (.mmd .dot .gv .json .svg .png), else mermaid",
      ],
    ],
    notes:
      "Nodes show id@version, scope and the interfaces provided, with a legend.\nA dependency cycle does not stop the drawing: its edges are marked in red, the\ndiagnostics go to stderr, and the exit code is 1.",
  },
  migrate: {
    summary: "rewrite a tsyringe or InversifyJS project to modreg (see the codegen README)",
    usage: "modreg migrate --from tsyringe|inversify [options]",
    options: [
      ["from", "the library the project uses: tsyringe or inversify"],
      PROJECT,
      ["dry-run", "write nothing; print the changes as a unified diff"],
    ],
    notes:
      "Every edit is computed first and written all at once; a failed run writes nothing.\nWhat it cannot convert is listed with file:line and left as it was.",
  },
  init: {
    summary: "add modreg's scripts, tsconfig settings and a first module to this project",
    usage: "modreg init [options]",
    options: [
      ["project", "the tsconfig.json to add the settings to (default: ./tsconfig.json)"],
      ["yes", "apply the changes without asking"],
      ["dry-run", "print the changes and change nothing"],
    ],
    notes:
      "Prints every change first; applies them with --yes, or after asking on a terminal.\nRun again, it finds nothing to change; it never replaces a file it did not create.",
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

const EXIT_CODES = "Exit codes: 0 ok, 1 diagnostics or stale file, 2 usage or config error.";

function flags(name: OptionName): string {
  const spec = OPTIONS[name];
  const both = spec.short === undefined ? `    ${spec.long}` : `${spec.short}, ${spec.long}`;
  return spec.value === undefined ? both : `${both} ${spec.value}`;
}

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  return rows
    .map(([left, right]) => {
      const [first, ...rest] = right.split("\n");
      const pad = " ".repeat(width + 2);
      return [`  ${left.padEnd(width)}${first!}`, ...rest.map((line) => `${pad}${line}`)].join("\n");
    })
    .join("\n");
}

/** `modreg --help`: every command, and the options every command takes. */
export function overviewHelp(): string {
  const commands = table(COMMAND_NAMES.map((name) => [name, COMMANDS[name].summary]));
  const options = table([
    [flags("help"), "show help (`modreg <command> --help`: that command's options)"],
    [flags("version"), "show the version"],
  ]);
  return `Usage: modreg <command> [options]

Commands:
${commands}

Options:
${options}

Run \`modreg <command> --help\` (or \`modreg help <command>\`) for the options of a command.
${EXIT_CODES}
`;
}

/** `modreg <command> --help`: its usage and its own options only. */
export function commandHelp(command: CommandName): string {
  const spec = COMMANDS[command];
  const options = table([
    ...spec.options.map(([name, text]) => [flags(name), text] as const),
    [flags("help"), "show this help"],
  ]);
  const notes = spec.notes === undefined ? "" : `\n${spec.notes}\n`;
  return `Usage: ${spec.usage}

${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.

Options:
${options}
${notes}
${EXIT_CODES}
`;
}
