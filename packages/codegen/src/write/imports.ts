import path from "node:path";
import type { ImportStyle } from "../records.js";

const EXTENSIONS: readonly (readonly [RegExp, string])[] = [
  [/\.tsx?$/, ".js"],
  [/\.mts$/, ".mjs"],
  [/\.cts$/, ".cjs"],
];

/**
 * The specifier the generated file (`from`) uses to import `to`: relative, POSIX, with `.js`
 * under Node16/NodeNext resolution and without an extension under Bundler.
 */
export function importSpecifier(from: string, to: string, style: ImportStyle): string {
  let relative = path.relative(path.dirname(from), to).split(path.sep).join("/");
  if (!relative.startsWith(".")) relative = `./${relative}`;
  for (const [pattern, replacement] of EXTENSIONS) {
    if (pattern.test(relative)) return relative.replace(pattern, style === "js" ? replacement : "");
  }
  return relative;
}

/**
 * Names the generated file uses itself, which an import must never shadow: its exports and
 * helpers, what it imports from `@modreg/core`, the interface it augments, the parameters of
 * the `create` functions (`(r, a) => new X(r(0), a[0])`) and the global types it spells
 * tokens with. A user class of one of these names is imported under an alias (`r as r_2`).
 */
const RESERVED = new Set([
  "manifest",
  "packed",
  "tokens",
  "token",
  "Manifest",
  "PackedManifest",
  "DeferredArgs",
  "ModuleHandle",
  "ModuleRegistry",
  "unpackManifest",
  "Provided",
  "r",
  "a",
  "_r",
  "NonNullable",
  "ConstructorParameters",
  "Parameters",
  "ReturnType",
]);

/** Hands out unique local names: `Config`, then `Config_2` for a second `Config`. */
export class LocalNames {
  private readonly taken = new Set<string>(RESERVED);

  claim(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}_${n}`;
    this.taken.add(name);
    return name;
  }
}

/**
 * A PascalCase identifier from a file name, for anonymous default-exported classes: every run
 * of characters that cannot be in an identifier separates words (`odd~name` → `OddName`,
 * `ünï-cödé` → `ÜnïCödé`).
 */
export function nameFromFile(fileName: string): string {
  const base = path.basename(fileName).replace(/\..*$/, "");
  const name = base
    .split(/[^\p{ID_Continue}$\u200C\u200D]+/u)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
  return /^[\p{ID_Start}_$]/u.test(name) ? name : `Module${name}`;
}
