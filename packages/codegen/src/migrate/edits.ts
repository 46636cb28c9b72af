/** Text edits collected in memory per file, applied at once: nothing is written until all succeed. */
import path from "node:path";

export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies non-overlapping edits to `text` (any order given); throws on an overlap. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error(`modreg migrate: overlapping edits at offset ${String(edit.start)}`);
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

/** Edits and import needs of every file a migration changes. */
export class ProjectEdits {
  readonly edits = new Map<string, Edit[]>();
  /** file -> names to import from a module: specifier -> name -> "type" | "value". */
  readonly imports = new Map<string, Map<string, Map<string, "type" | "value">>>();
  /** New files (absolute path -> text). */
  readonly created = new Map<string, string>();

  add(file: string, start: number, end: number, text: string): void {
    let list = this.edits.get(file);
    if (list === undefined) this.edits.set(file, (list = []));
    list.push({ start, end, text });
  }

  insert(file: string, at: number, text: string): void {
    this.add(file, at, at, text);
  }

  need(file: string, specifier: string, name: string, kind: "type" | "value"): void {
    let bySpecifier = this.imports.get(file);
    if (bySpecifier === undefined)
      this.imports.set(file, (bySpecifier = new Map<string, Map<string, "type" | "value">>()));
    let names = bySpecifier.get(specifier);
    if (names === undefined) bySpecifier.set(specifier, (names = new Map<string, "type" | "value">()));
    if (names.get(name) !== "value") names.set(name, kind);
  }

  /** True when an edit of `file` covers the span (a removed or replaced node). */
  covers(file: string, start: number, end: number): boolean {
    return (this.edits.get(file) ?? []).some((e) => e.start <= start && end <= e.end && e.start < e.end);
  }
}

/** `import { a, type B } from "x";` lines for what a file needs, sorted by specifier. */
export function importLines(needs: ReadonlyMap<string, ReadonlyMap<string, "type" | "value">>): string {
  return [...needs]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([specifier, names]) => {
      const entries = [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (entries.every(([, kind]) => kind === "type")) {
        return `import type { ${entries.map(([n]) => n).join(", ")} } from "${specifier}";\n`;
      }
      const list = entries.map(([n, kind]) => (kind === "type" ? `type ${n}` : n)).join(", ");
      return `import { ${list} } from "${specifier}";\n`;
    })
    .join("");
}

/** The specifier `from` uses to import the project file `to`, in the project's import style. */
export function relativeSpecifier(from: string, to: string, style: "js" | "extensionless"): string {
  let rel = path.relative(path.dirname(from), to).split(path.sep).join("/");
  rel = rel.replace(/\.(?:d\.)?([cm]?)tsx?$/, style === "js" ? ".$1js" : "");
  return rel.startsWith(".") ? rel : `./${rel}`;
}
