/**
 * Minimal edits of JSON with comments (a tsconfig): sets one property by rewriting only the
 * characters it needs, so comments, trailing commas, key order and layout stay as they were.
 */

/** A value in the text: `[start, end)` offsets, and the properties of an object. */
interface Node {
  readonly start: number;
  readonly end: number;
  readonly value: unknown;
  readonly properties?: readonly Property[];
}

interface Property {
  readonly key: string;
  readonly start: number;
  readonly value: Node;
  /** Offset of the comma after the value, when there is one. */
  readonly comma: number | undefined;
}

/** Text that is not JSONC: where and what. */
export class JsoncError extends Error {
  override readonly name = "JsoncError";
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at ${line}:${column}`);
  }
}

/** The 1-based line and column of `offset`. */
function lineColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset).split("\n");
  return [before.length, before.at(-1)!.length + 1];
}

class Parser {
  at = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new JsoncError(message, ...lineColumn(this.text, this.at));
  }

  /** Skips whitespace and comments. */
  skip(): void {
    const text = this.text;
    for (;;) {
      while (this.at < text.length && /\s/.test(text[this.at]!)) this.at++;
      if (text.startsWith("//", this.at)) {
        const end = text.indexOf("\n", this.at);
        this.at = end < 0 ? text.length : end;
      } else if (text.startsWith("/*", this.at)) {
        const end = text.indexOf("*/", this.at + 2);
        if (end < 0) this.fail("unterminated comment");
        this.at = end + 2;
      } else return;
    }
  }

  value(): Node {
    this.skip();
    const start = this.at;
    const c = this.text[this.at];
    if (c === "{") return this.object();
    if (c === "[") {
      this.at++;
      this.skip();
      const items: unknown[] = [];
      while (this.text[this.at] !== "]") {
        items.push(this.value().value);
        this.skip();
        if (this.text[this.at] === ",") this.at++;
        else if (this.text[this.at] !== "]") this.fail("expected , or ]");
        this.skip();
      }
      this.at++;
      return { start, end: this.at, value: items };
    }
    if (c === '"') {
      const value = this.string();
      return { start, end: this.at, value };
    }
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.at));
    if (literal === null) this.fail("expected a value");
    this.at += literal[0].length;
    return { start, end: this.at, value: JSON.parse(literal[0]) as unknown };
  }

  string(): string {
    const start = this.at;
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== '"' && this.text[this.at] !== "\n")
      this.at += this.text[this.at] === "\\" ? 2 : 1;
    if (this.text[this.at] !== '"') {
      this.at = start;
      this.fail("unterminated string");
    }
    this.at++;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  object(): Node {
    const start = this.at;
    this.at++;
    const properties: Property[] = [];
    this.skip();
    while (this.text[this.at] !== "}") {
      if (this.text[this.at] !== '"') this.fail("expected a property name");
      const keyStart = this.at;
      const key = this.string();
      this.skip();
      if (this.text[this.at] !== ":") this.fail("expected :");
      this.at++;
      const value = this.value();
      this.skip();
      let comma: number | undefined;
      if (this.text[this.at] === ",") {
        comma = this.at;
        this.at++;
      } else if (this.text[this.at] !== "}") this.fail("expected , or }");
      properties.push({ key, start: keyStart, value, comma });
      this.skip();
    }
    this.at++;
    const value = Object.fromEntries(properties.map((p) => [p.key, p.value.value]));
    return { start, end: this.at, properties, value };
  }
}

function parse(text: string): Node {
  const parser = new Parser(text);
  const root = parser.value();
  parser.skip();
  if (parser.at < text.length) parser.fail("unexpected text after the value");
  if (root.properties === undefined) {
    parser.at = root.start;
    parser.fail("expected an object");
  }
  return root;
}

/** The value of a JSONC text (comments and trailing commas allowed); throws `JsoncError`. */
export function readJsonc(text: string): unknown {
  return parse(text).value;
}

/** The indentation of the line `offset` is on. */
function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** The end of the line `offset` is on when only blanks or a `//` comment follow it there, else `offset`. */
function lineEndAfter(text: string, offset: number): number {
  const rest = /^[ \t]*(?:\/\/[^\r\n]*)?(?=\r?\n|$)/.exec(text.slice(offset));
  return rest === null ? offset : offset + rest[0].length;
}

/** The file's indentation unit: its first indented line's, else two spaces. */
export function indentUnit(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? "  ";
}

/** `value` as JSON, objects spread over lines at `indent` with `unit` per level. */
function render(value: unknown, indent: string, unit: string, eol: string): string {
  return JSON.stringify(value, null, unit).replace(/\n/g, `${eol}${indent}`);
}

/**
 * `text` with `path` (e.g. `["compilerOptions", "target"]`) set to `value`: the value replaced
 * when the property exists, otherwise one property inserted after the last one of its object
 * (creating the objects on the way), indented like its neighbours. Throws `JsoncError` when the
 * text is not JSONC or a step of the path is not an object.
 *
 * @example
 * setJsonc('{\n  // ours\n  "compilerOptions": {}\n}\n', ["compilerOptions", "target"], "ES2022");
 * // '{\n  // ours\n  "compilerOptions": {\n    "target": "ES2022"\n  }\n}\n'
 */
export function setJsonc(text: string, path: readonly string[], value: unknown): string {
  let node = parse(text);
  for (let depth = 0; depth < path.length; depth++) {
    const key = path[depth]!;
    const properties = node.properties!; // parse() and the check below only step into objects
    const found = properties.find((p) => p.key === key);
    if (found && depth < path.length - 1) {
      if (found.value.properties === undefined) {
        const [line, column] = lineColumn(text, found.value.start);
        throw new JsoncError(`${path.slice(0, depth + 1).join(".")} is not an object`, line, column);
      }
      node = found.value;
      continue;
    }
    const rest = path.slice(depth + 1).reduceRight<unknown>((inner, name) => ({ [name]: inner }), value);
    const unit = indentUnit(text);
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    if (found) {
      const indent = indentAt(text, found.start);
      return `${text.slice(0, found.value.start)}${render(rest, indent, unit, eol)}${text.slice(found.value.end)}`;
    }
    const last = properties.at(-1);
    if (last === undefined) {
      const outer = indentAt(text, node.start);
      const inner = outer + unit;
      const entry = `${eol}${inner}${JSON.stringify(key)}: ${render(rest, inner, unit, eol)}${eol}${outer}`;
      return `${text.slice(0, node.start + 1)}${entry}${text.slice(node.end - 1)}`;
    }
    const indent = indentAt(text, last.start);
    const entry = `${JSON.stringify(key)}: ${render(rest, indent, unit, eol)}`;
    // after the last property's comma (a trailing comma stays trailing), or add one after its
    // value; a comment ending that line stays on it
    const after = last.comma === undefined ? last.value.end : last.comma + 1;
    const lineEnd = lineEndAfter(text, after);
    const comma = last.comma === undefined ? "," : "";
    const trailing = last.comma === undefined ? "" : ",";
    return `${text.slice(0, last.value.end)}${comma}${text.slice(last.value.end, lineEnd)}${eol}${indent}${entry}${trailing}${text.slice(lineEnd)}`;
  }
  return text;
}
