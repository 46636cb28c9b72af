import { COMMAND_NAMES, COMMANDS, OPTIONS, type CommandName, type OptionName } from "./commands.js";
import { suggest } from "./suggest.js";

/** The graph formats `modreg graph --format` writes. */
export type GraphFormat = "mermaid" | "dot" | "json" | "svg" | "png";
const GRAPH_FORMATS: readonly GraphFormat[] = ["mermaid", "dot", "json", "svg", "png"];
/** `graph --out` without `--format`: the format its extension names, else Mermaid. */
const BY_EXTENSION: Readonly<Record<string, GraphFormat>> = {
  ".mmd": "mermaid",
  ".mermaid": "mermaid",
  ".dot": "dot",
  ".gv": "dot",
  ".json": "json",
  ".svg": "svg",
  ".png": "png",
};

/** A parsed command line. */
export interface CommandLine {
  readonly command: CommandName | "help" | "version";
  /** With `help`: the command whose help to print (`modreg generate --help`, `modreg help generate`). */
  readonly helpFor: CommandName | undefined;
  readonly project: string | undefined;
  /** `--config`: a modreg.config.json listing several outputs. */
  readonly config: string | undefined;
  /** `--entry`: the config entries to run, by name. */
  readonly entries: string[];
  readonly out: string | undefined;
  readonly json: string | undefined;
  readonly include: string[];
  readonly exclude: string[];
  readonly external: string[];
  readonly watch: boolean;
  readonly check: boolean;
  readonly env: string | undefined;
  readonly features: string[];
  readonly format: GraphFormat;
  readonly yes: boolean;
  readonly dryRun: boolean;
  /** `migrate --from`. */
  readonly from: string | undefined;
}

/**
 * A usage error: the CLI prints its one-line message and a pointer to the help of `command`
 * (or the overview), and exits with 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

const BY_FLAG = new Map<string, OptionName>();
for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, (typeof OPTIONS)[OptionName]][]) {
  BY_FLAG.set(spec.long, name);
  if (spec.short !== undefined) BY_FLAG.set(spec.short, name);
}

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

function allowed(command: CommandName): OptionName[] {
  return COMMANDS[command].options.map(([name]) => name);
}

function didYouMean(input: string, known: readonly string[], quote = ""): string {
  const guess = suggest(input, known);
  return guess === undefined ? "" : ` (did you mean ${quote}${guess}${quote}?)`;
}

function unknownCommand(name: string): UsageError {
  return new UsageError(`unknown command "${name}"${didYouMean(name, COMMAND_NAMES, '"')}`);
}

/** Parses `argv` (without `node` and the script); throws `UsageError` on anything unknown. */
export function parseArgs(argv: readonly string[]): CommandLine {
  const words = positionalsOf(argv);
  const command = isCommand(words[0]) ? words[0] : undefined;
  if (argv.some((arg) => arg === "--help" || arg === "-h")) return helpLine(command);
  if (words[0] === "help") {
    const topic = words[1];
    if (topic !== undefined && !isCommand(topic)) throw unknownCommand(topic);
    return helpLine(topic);
  }

  const values: Partial<Record<OptionName, string[]>> = {};
  const booleans = new Set<OptionName>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = BY_FLAG.get(flag);
    if (name === undefined) {
      const known = (command ? [...allowed(command), "help" as const] : (["help", "version"] as const)).map(
        (n) => OPTIONS[n].long,
      );
      throw new UsageError(`unknown option ${flag}${didYouMean(flag, known)}`, command);
    }
    if (OPTIONS[name].value !== undefined) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") throw new UsageError(`${flag} needs a value`, command);
      (values[name] ??= []).push(value);
    } else if (eq > 0) throw new UsageError(`${flag} takes no value`, command);
    else booleans.add(name);
  }
  if (booleans.has("version")) return build("version", values, booleans);
  const [given, ...extra] = positionals;
  if (given === undefined) throw new UsageError(`missing command (${COMMAND_NAMES.join(", ")})`);
  if (!isCommand(given)) throw unknownCommand(given);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]!}"`, given);
  for (const name of [...(Object.keys(values) as OptionName[]), ...booleans]) {
    if (!allowed(given).includes(name))
      throw new UsageError(`${OPTIONS[name].long} does not apply to "modreg ${given}"`, given);
    if (!OPTIONS[name].repeatable && (values[name]?.length ?? 0) > 1)
      throw new UsageError(`${OPTIONS[name].long} given more than once`, given);
  }
  const extension = /\.[^./\\]+$/.exec(values.out?.[0] ?? "")?.[0].toLowerCase() ?? "";
  const format = values.format?.[0] ?? (given === "graph" ? BY_EXTENSION[extension] : undefined) ?? "mermaid";
  values.format = [format];
  if (!(GRAPH_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `--format must be ${GRAPH_FORMATS.slice(0, -1).join(", ")} or ${GRAPH_FORMATS.at(-1)!} (got "${format}")${didYouMean(format, GRAPH_FORMATS, '"')}`,
      given,
    );
  }
  if (booleans.has("watch") && booleans.has("check"))
    throw new UsageError("--watch and --check cannot be combined", given);
  if (booleans.has("yes") && booleans.has("dry-run"))
    throw new UsageError("--yes and --dry-run cannot be combined", given);
  return build(given, values, booleans);
}

/** The words that are not options or option values, read before parsing to know the command. */
function positionalsOf(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-") words.push(arg);
    else if (!arg.includes("=") && OPTIONS[BY_FLAG.get(arg) ?? "help"].value !== undefined) i++;
  }
  return words;
}

function helpLine(helpFor: CommandName | undefined): CommandLine {
  return { ...build("help", {}, new Set()), helpFor };
}

function build(
  command: CommandLine["command"],
  values: Partial<Record<OptionName, string[]>>,
  booleans: ReadonlySet<OptionName>,
): CommandLine {
  return {
    command,
    helpFor: undefined,
    project: values.project?.[0],
    config: values.config?.[0],
    entries: values.entry ?? [],
    out: values.out?.[0],
    json: values.json?.[0],
    include: values.include ?? [],
    exclude: values.exclude ?? [],
    external: values.external ?? [],
    watch: booleans.has("watch"),
    check: booleans.has("check"),
    env: values.env?.[0],
    features: values.feature ?? [],
    format: (values.format?.[0] as GraphFormat | undefined) ?? "mermaid",
    yes: booleans.has("yes"),
    dryRun: booleans.has("dry-run"),
    from: values.from?.[0],
  };
}
