import { readFileSync } from "node:fs";
import path from "node:path";

/** The nearest named package.json of a file: its `name` and the directory holding it. */
export interface PackageInfo {
  readonly name: string;
  readonly root: string;
}

/**
 * Finds the nearest package.json that has a `name`, walking up from a directory.
 * Cached per directory: interface keys ask this for every declaring file.
 */
export class PackageNames {
  private readonly byDir = new Map<string, PackageInfo | undefined>();

  /** Name of the nearest named package.json at or above `dir`. */
  ofDirectory(dir: string): string | undefined {
    return this.packageOf(dir)?.name;
  }

  /** Name of the package a file belongs to. */
  ofFile(fileName: string): string | undefined {
    return this.packageOf(path.dirname(fileName))?.name;
  }

  /** The package a file belongs to, with its root directory. */
  infoOfFile(fileName: string): PackageInfo | undefined {
    return this.packageOf(path.dirname(fileName));
  }

  /** Forgets cached answers (package.json files may have changed). */
  clear(): void {
    this.byDir.clear();
  }

  private packageOf(dir: string): PackageInfo | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    let info: PackageInfo | undefined;
    try {
      const parsed = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown };
      if (typeof parsed.name === "string" && parsed.name !== "") info = { name: parsed.name, root: dir };
    } catch {
      // no package.json here (or an unreadable one): keep walking up
    }
    if (info === undefined) {
      const parent = path.dirname(dir);
      if (parent !== dir) info = this.packageOf(parent);
    }
    this.byDir.set(dir, info);
    return info;
  }
}

/** POSIX path of `fileName` relative to `dir`. */
export function relativePosix(dir: string, fileName: string): string {
  return path.relative(dir, fileName).split(path.sep).join("/");
}
