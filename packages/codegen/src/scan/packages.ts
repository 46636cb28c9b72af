import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Finds the nearest package.json that has a `name`, walking up from a directory.
 * Cached per directory: interface keys ask this for every declaring file.
 */
export class PackageNames {
  private readonly byDir = new Map<string, string | undefined>();

  /** Name of the nearest named package.json at or above `dir`. */
  ofDirectory(dir: string): string | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    let name: string | undefined;
    try {
      const parsed = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown };
      if (typeof parsed.name === "string" && parsed.name !== "") name = parsed.name;
    } catch {
      // no package.json here (or an unreadable one): keep walking up
    }
    if (name === undefined) {
      const parent = path.dirname(dir);
      if (parent !== dir) name = this.ofDirectory(parent);
    }
    this.byDir.set(dir, name);
    return name;
  }

  /** Name of the package a file belongs to. */
  ofFile(fileName: string): string | undefined {
    return this.ofDirectory(path.dirname(fileName));
  }

  /** Forgets cached answers (package.json files may have changed). */
  clear(): void {
    this.byDir.clear();
  }
}

/** POSIX path of `fileName` relative to `dir`. */
export function relativePosix(dir: string, fileName: string): string {
  return path.relative(dir, fileName).split(path.sep).join("/");
}
