/**
 * The graph as a picture: Mermaid and Graphviz DOT. Each node shows its id, version, scope and
 * the interfaces it provides; edges show how they are built; the edges of a dependency cycle
 * are marked, so a graph `validate` rejects can still be drawn and looked at. A legend explains
 * the kinds of edge the drawing uses.
 */
import { DependencyGraph } from "@modreg/core";
import type { ManifestData, ModuleData } from "../records.js";
import { graphEdges, type GraphEdge } from "./data.js";

/** An edge as drawn: `cycle` when it lies on a dependency cycle. */
export interface DrawnEdge extends GraphEdge {
  readonly cycle: boolean;
}

/** What a drawing is made of: the edges (cycle edges marked) and the cycles, one per strongly connected component. */
export interface GraphLayout {
  readonly edges: readonly DrawnEdge[];
  /** Closed paths `["a", "b", "a"]`, the ones `MR3005` reports. */
  readonly cycles: readonly (readonly string[])[];
}

/**
 * Marks every edge built before its module (not `Lazy`/`Factory`) that lies on a cycle: the
 * edge `a -> b` does when `b` leads back to `a`.
 */
export function graphLayout(data: ManifestData): GraphLayout {
  const edges = graphEdges(data);
  const graph = new DependencyGraph(
    data.modules.map((m) => [m.id, edges.filter((e) => e.from === m.id && !e.deferred).map((e) => e.to)]),
  );
  const cycles = graph.findCycles();
  const onCycle = new Set(cycles.flat());
  const drawn = edges.map((e) => ({
    ...e,
    cycle:
      !e.deferred &&
      onCycle.has(e.from) &&
      (e.from === e.to || graph.dependenciesOf(e.to, { transitive: true }).includes(e.from)),
  }));
  return { edges: drawn, cycles };
}

/** The display names of the interfaces a module provides (token names, else the key's last part). */
function interfaceNames(data: ManifestData, module: ModuleData): string[] {
  const tokens = new Map(data.tokens.map((t) => [t.key, t.name]));
  return module.provides.map((key) => tokens.get(key) ?? key.slice(key.lastIndexOf("#") + 1));
}

function labelLines(data: ManifestData, module: ModuleData): string[] {
  const provides = interfaceNames(data, module);
  return [
    `${module.id}@${module.version}`,
    module.scope,
    ...(provides.length > 0 ? [`provides ${provides.join(", ")}`] : []),
  ];
}

interface EdgeKind {
  readonly label: string;
  readonly present: (edges: readonly DrawnEdge[]) => boolean;
}

const LEGEND: readonly (EdgeKind & { readonly key: "built" | "deferred" | "optional" | "cycle" })[] = [
  {
    key: "built",
    label: "depends on (built first)",
    present: (edges) => edges.some((e) => !e.deferred && !e.optional),
  },
  {
    key: "deferred",
    label: "Lazy / Factory (built when first used)",
    present: (edges) => edges.some((e) => e.deferred),
  },
  { key: "optional", label: "optional", present: (edges) => edges.some((e) => e.optional && !e.deferred) },
  { key: "cycle", label: "dependency cycle", present: (edges) => edges.some((e) => e.cycle) },
];
const NODE_KEY = ["id@version", "scope", "provides Interface, ..."];

/**
 * The graph as a Mermaid flowchart: solid arrows build first, dashed ones are deferred
 * (`Lazy`/`Factory`); cycle edges are red (`linkStyle`) and their modules carry the class `cycle`.
 */
export function writeMermaid(data: ManifestData): string {
  const { edges } = graphLayout(data);
  const node = new Map(data.modules.map((m, i) => [m.id, `m${i}`]));
  const lines = ["flowchart TD"];
  for (const m of data.modules) {
    // a provider function is drawn as a stadium, a class as a box
    const [open, close] = m.kind === "provider" ? ['(["', '"])'] : ['["', '"]'];
    lines.push(`  ${node.get(m.id)!}${open}${mermaidLabel(labelLines(data, m))}${close}`);
  }
  const cycleLinks: number[] = [];
  edges.forEach((e, i) => {
    const arrow = e.deferred ? "-.->" : e.optional ? '-->|"optional"|' : "-->";
    lines.push(`  ${node.get(e.from)!} ${arrow} ${node.get(e.to)!}`);
    if (e.cycle) cycleLinks.push(i);
  });
  const legend = LEGEND.filter((kind) => kind.present(edges));
  lines.push(
    "  subgraph legend [legend]",
    "    direction LR",
    `    legend_node["${mermaidLabel(NODE_KEY)}"]`,
  );
  legend.forEach((kind, i) => {
    const arrow = kind.key === "deferred" ? "-.->" : "-->";
    lines.push(`    legend_${i}a[" "] ${arrow}|"${mermaidLabel([kind.label])}"| legend_${i}b[" "]`);
    if (kind.key === "cycle") cycleLinks.push(edges.length + i);
  });
  lines.push("  end");
  if (cycleLinks.length > 0) {
    const cycleNodes = [...new Set(edges.filter((e) => e.cycle).flatMap((e) => [e.from, e.to]))];
    lines.push(
      `  linkStyle ${cycleLinks.join(",")} stroke:#d00,stroke-width:3px,color:#d00`,
      "  classDef cycle stroke:#d00,stroke-width:3px",
      `  class ${cycleNodes.map((id) => node.get(id)!).join(",")} cycle`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function mermaidLabel(lines: readonly string[]): string {
  const escape = (text: string) =>
    text.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
  return lines.map(escape).join("<br/>");
}

/**
 * The graph in Graphviz DOT: dashed edges are deferred, dotted ones optional, cycle edges red
 * and bold (with the label `cycle`).
 */
export function writeDot(data: ManifestData): string {
  const { edges } = graphLayout(data);
  const lines = ["digraph modreg {", "  rankdir=LR;", "  node [shape=box];"];
  for (const m of data.modules) {
    const shape = m.kind === "provider" ? ", shape=ellipse" : "";
    lines.push(`  ${dotString(m.id)} [label=${dotString(labelLines(data, m))}${shape}];`);
  }
  for (const e of edges) {
    const style = dotEdgeStyle(e);
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${style === "" ? "" : ` [${style}]`};`);
  }
  lines.push(
    "  subgraph cluster_legend {",
    '    label="legend"; fontsize=10; color=gray;',
    `    "legend node" [label=${dotString(NODE_KEY)}];`,
  );
  const legend = LEGEND.filter((kind) => kind.present(edges));
  legend.forEach((kind, i) => {
    const sample = {
      from: "",
      to: "",
      deferred: kind.key === "deferred",
      optional: kind.key === "optional",
      cycle: kind.key === "cycle",
    };
    const style = dotEdgeStyle(sample, kind.label);
    lines.push(
      `    "legend ${i}a" [shape=point]; "legend ${i}b" [shape=point];`,
      `    "legend ${i}a" -> "legend ${i}b" [${style}];`,
    );
  });
  lines.push("  }", "}");
  return `${lines.join("\n")}\n`;
}

function dotEdgeStyle(e: DrawnEdge, label?: string): string {
  const parts: string[] = [];
  if (e.cycle) parts.push(`color=red`, `fontcolor=red`, `penwidth=2.5`);
  const line = e.deferred ? "dashed" : e.optional ? "dotted" : undefined;
  if (e.cycle) parts.push(line === undefined ? "style=bold" : `style="${line},bold"`);
  else if (line !== undefined) parts.push(`style=${line}`);
  const text = label ?? (e.cycle ? "cycle" : undefined);
  if (text !== undefined) parts.push(`label=${dotString(text)}`);
  return parts.join(", ");
}

/** A DOT string: quotes and backslashes escaped, one `\n` line break between lines. */
function dotString(text: string | readonly string[]): string {
  const lines = typeof text === "string" ? [text] : text;
  return `"${lines.map((line) => line.replace(/\\/g, "\\\\").replace(/"/g, '\\"')).join("\\n")}"`;
}
