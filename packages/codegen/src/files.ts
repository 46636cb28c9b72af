import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { realPath } from "./outputs.js";

let sequence = 0;

/**
 * Writes `content` (text, or bytes for a binary file) unless the file already holds exactly
 * it; true when it wrote. The write is
 * atomic: a temporary file in the same directory renamed over the target (through a symlink
 * to its target), so a crash or a full disk never leaves a half-written file.
 */
export function writeIfChanged(fileName: string, content: string | Uint8Array): boolean {
  if (typeof content === "string" ? readIfExists(fileName) === content : sameBytes(fileName, content))
    return false;
  const target = realPath(fileName);
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${++sequence}.tmp`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
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

function sameBytes(fileName: string, bytes: Uint8Array): boolean {
  try {
    return readFileSync(fileName).equals(bytes);
  } catch {
    return false;
  }
}
