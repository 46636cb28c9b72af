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

const RESERVED = new Set([
  "manifest",
  "tokens",
  "token",
  "Manifest",
  "ModuleRecord",
  "moduleRecord",
  "Provided",
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

/** A PascalCase identifier from a file name, for anonymous default-exported classes. */
export function nameFromFile(fileName: string): string {
  const base = path.basename(fileName).replace(/\..*$/, "");
  const name = base.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, __: string, c: string) => c.toUpperCase());
  return /^[A-Za-z_$]/.test(name) ? name : `Module${name}`;
}
