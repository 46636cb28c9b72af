/**
 * `modreg graph`: prints or writes the graph as Mermaid, DOT, JSON, or an SVG/PNG rendered by
 * Graphviz. A dependency cycle does not stop it: the drawing marks the cycle, the diagnostics
 * go to stderr, and the exit code is 1.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { writeIfChanged } from "../files.js";
import type { GenerateResult } from "../generate.js";
import { checkOutputs, GRAPH_MARKERS } from "../outputs.js";
import { writeJson } from "../write/data.js";
import { graphLayout, writeDot, writeMermaid } from "../write/graph.js";
import { markPng } from "../write/png.js";
import type { CommandLine } from "./args.js";
import { paint } from "./color.js";

/** What the graph command needs from `main`: its streams and how it prints diagnostics. */
export interface GraphIO {
  readonly cwd: string;
  readonly stdout: { write(text: string | Uint8Array): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly color: boolean;
  readonly printDiagnostics: (diagnostics: readonly Diagnostic[]) => number;
}

const INSTALL =
  "install Graphviz (apt-get install graphviz, brew install graphviz, choco install graphviz, https://graphviz.org/download/) or print DOT with --format dot";

/**
 * Why `--format svg|png` cannot run, before anything is scanned: Graphviz's `dot` is not on
 * PATH. `undefined` when it runs (or another format is asked for).
 */
export function graphvizProblem(format: CommandLine["format"]): string | undefined {
  if (format !== "svg" && format !== "png") return undefined;
  const probe = spawnSync("dot", ["-V"], { encoding: "utf8" });
  if (probe.error === undefined && probe.status === 0) return undefined;
  return `--format ${format} needs Graphviz's \`dot\` on PATH, and it is not there: ${INSTALL}`;
}

/** Only cycles (`MR3005`) still let the graph be drawn; any other error stops it. */
function drawable(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.every((d) => d.severity !== "error" || d.code === "MR3005");
}

/** Runs `modreg graph` on a finished generation; resolves to the exit code. */
export function graph(args: CommandLine, result: GenerateResult, io: GraphIO): number {
  const code = io.printDiagnostics(result.diagnostics);
  if (!drawable(result.diagnostics) || code === 2) return code;
  const rendered = render(args.format, result);
  if (typeof rendered === "object" && "problem" in rendered) {
    io.stderr.write(`modreg: ${rendered.problem}\n`);
    return 2;
  }
  const { cycles } = graphLayout(result.manifest);
  if (args.out === undefined) {
    if (args.format === "png" && io.stdout.isTTY === true) {
      io.stderr.write("modreg: --format png is binary: write it to a file with --out graph.png\n");
      return 2;
    }
    io.stdout.write(rendered);
  } else {
    const file = path.resolve(io.cwd, args.out);
    const refused = checkOutputs([{ file, kind: "graph", option: "--out" }], undefined, io.cwd);
    if (refused.length > 0) return io.printDiagnostics(refused);
    writeIfChanged(file, marked(args.format, rendered));
    io.stdout.write(`wrote ${args.out}\n`);
  }
  if (cycles.length > 0) {
    const what = cycles.length === 1 ? "a dependency cycle" : `${cycles.length} dependency cycles`;
    const how = args.format === "json" ? "the JSON carries no marks" : "drawn with its edges marked in red";
    const list = cycles.map((c) => c.join(" -> ")).join("; ");
    io.stderr.write(`${paint(io.color, "red", `the graph has ${what}`)} (${list}): ${how}\n`);
  }
  return code;
}

function render(
  format: CommandLine["format"],
  result: GenerateResult,
): string | Buffer | { problem: string } {
  if (format === "json") return writeJson(result.manifest);
  if (format === "mermaid") return writeMermaid(result.manifest);
  const dot = writeDot(result.manifest);
  if (format === "dot") return dot;
  const run = spawnSync("dot", [`-T${format}`], { input: dot, maxBuffer: 1 << 30 });
  if (run.error !== undefined)
    return { problem: `Graphviz's \`dot\` could not run (${run.error.message}): ${INSTALL}` };
  if (run.status !== 0) {
    const reason = run.stderr.toString("utf8").trim().split("\n")[0] ?? "";
    return { problem: `Graphviz's \`dot -T${format}\` failed (exit ${run.status ?? "signal"}): ${reason}` };
  }
  return format === "svg" ? run.stdout.toString("utf8") : run.stdout;
}

/** The file's content with modreg's marker (see `GRAPH_MARKERS`). */
function marked(format: CommandLine["format"], content: string | Buffer): string | Buffer {
  if (typeof content !== "string") return markPng(content, GRAPH_MARKERS.png);
  if (format === "json") return content;
  if (format === "svg") {
    const declaration = /^<\?xml[^>]*\?>\r?\n/.exec(content)?.[0];
    const prolog = declaration ?? '<?xml version="1.0" encoding="UTF-8"?>\n';
    return `${prolog}${GRAPH_MARKERS.svg}\n${content.slice(declaration?.length ?? 0)}`;
  }
  return `${GRAPH_MARKERS[format]}\n${content}`;
}
