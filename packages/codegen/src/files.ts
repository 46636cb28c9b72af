import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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
  return write(fileName, content);
}

function write(fileName: string, content: string | Uint8Array): true {
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

/**
 * What this process last wrote to one file, and the file's inode, size and mtime right after:
 * while those are unchanged, the file holds that text and need not be read back to compare.
 */
export interface LastWrite {
  text?: string | undefined;
  stamp?: string | undefined;
}

/**
 * `writeIfChanged` for a file written again and again (`--watch`): compares with the text of
 * the previous write, kept in `last`, instead of reading the file back, unless the file was
 * touched since (by anyone: its inode, size or mtime differ).
 */
export function rewriteIfChanged(fileName: string, content: string, last: LastWrite): boolean {
  const known = last.text !== undefined && stampOf(fileName) === last.stamp;
  const wrote = known ? content !== last.text && write(fileName, content) : writeIfChanged(fileName, content);
  last.stamp = stampOf(fileName);
  last.text = last.stamp === undefined ? undefined : content;
  return wrote;
}

function stampOf(fileName: string): string | undefined {
  const stats = statSync(fileName, { bigint: true, throwIfNoEntry: false });
  return stats && `${stats.ino}:${stats.size}:${stats.mtimeNs}`;
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

/** One file to create or replace; `before` is what it must still hold (`undefined`: it must not exist). */
export interface FileEdit {
  readonly file: string;
  readonly before: string | undefined;
  readonly after: string;
}

/** Why {@link writeAllOrNone} wrote nothing: a file no longer held `before`, or a write failed. */
export type WriteFailure =
  { readonly kind: "stale"; readonly edit: FileEdit } | { readonly kind: "failed"; readonly error: unknown };

/**
 * Writes every edit or none: each file must still hold what was read (else `stale`, nothing
 * written); the new texts go to temporary files first, then are renamed over the originals. A
 * failure while renaming restores what was already replaced (`failed`), so every file is as it was.
 * With `createDirectories`, missing parent directories of new files are made (and removed again
 * on failure); without, a new file in a missing directory is a failure.
 */
export function writeAllOrNone(
  edits: readonly FileEdit[],
  options: { readonly tag: string; readonly createDirectories?: boolean },
): WriteFailure | undefined {
  const stale = edits.find((edit) => readIfExists(edit.file) !== edit.before);
  if (stale !== undefined) return { kind: "stale", edit: stale };
  const temps = edits.map((edit, i) => `${edit.file}.modreg-${options.tag}.${process.pid}.${i}.tmp`);
  const made: string[] = [];
  const done: number[] = [];
  try {
    edits.forEach((edit, i) => {
      if (options.createDirectories === true && edit.before === undefined) {
        const first = mkdirSync(path.dirname(edit.file), { recursive: true });
        if (first !== undefined) made.push(first);
      }
      writeFileSync(temps[i]!, edit.after);
    });
    edits.forEach((edit, i) => {
      renameSync(temps[i]!, edit.file);
      done.push(i);
    });
  } catch (error) {
    for (const i of done) {
      const { file, before } = edits[i]!;
      if (before === undefined) rmSync(file, { force: true });
      else writeFileSync(file, before);
    }
    for (const temp of temps) rmSync(temp, { force: true });
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
    return { kind: "failed", error };
  }
  return undefined;
}
