import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Writes `text` unless the file already holds exactly it; true when it wrote. */
export function writeIfChanged(fileName: string, text: string): boolean {
  if (readIfExists(fileName) === text) return false;
  mkdirSync(path.dirname(fileName), { recursive: true });
  writeFileSync(fileName, text);
  return true;
}

/** The file's text, or `undefined` when it cannot be read. */
export function readIfExists(fileName: string): string | undefined {
  try {
    return readFileSync(fileName, "utf8");
  } catch {
    return undefined;
  }
}
