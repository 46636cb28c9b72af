import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src", import.meta.url));
const manifest = JSON.parse(readFileSync(join(src, "..", "package.json"), "utf8")) as {
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
};

/** The subpath entries, each the one file (or folder) that may import its peer. */
const SUBPATH_FILES = new Set(["openfeature.ts", "openfeature-require.ts", "express.ts"]);
const SUBPATH_FOLDERS = new Set(["postgres", "openfeature"]);

/** Files of the main entry: everything but the subpath entries' folders and files. */
function mainEntryFiles(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return SUBPATH_FOLDERS.has(e.name) ? [] : mainEntryFiles(path);
    return e.name.endsWith(".ts") && !SUBPATH_FILES.has(e.name) ? [path] : [];
  });
}

describe("@modreg/tenants packaging", () => {
  it("never imports an optional peer statically from the main entry", () => {
    for (const file of mainEntryFiles()) {
      const text = readFileSync(file, "utf8");
      for (const peer of Object.keys(manifest.peerDependencies)) {
        expect(text, file).not.toMatch(new RegExp(`^import [^;]*from "${peer}"`, "m"));
      }
    }
  });

  it("loads peers only through peers.ts, so a missing one is PEER_DEPENDENCY_MISSING", () => {
    const all = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? all(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
      );
    for (const file of all(src)) {
      const text = readFileSync(file, "utf8");
      for (const peer of Object.keys(manifest.peerDependencies)) {
        expect(text, file).not.toMatch(new RegExp(`^import (?!type )[^;]*from "${peer}"`, "m"));
      }
    }
  });

  it("declares every peer optional and ships one subpath per peer-backed feature", () => {
    for (const peer of Object.keys(manifest.peerDependencies)) {
      expect(manifest.peerDependenciesMeta[peer]?.optional, peer).toBe(true);
    }
    expect(Object.keys(manifest.exports)).toEqual([
      ".",
      "./postgres",
      "./express",
      "./openfeature",
      "./package.json",
    ]);
  });

  it("gives every entry to import and to require, each with its types, all built", () => {
    const root = join(src, "..");
    for (const [entry, target] of Object.entries(manifest.exports)) {
      if (entry === "./package.json") continue;
      for (const condition of ["import", "require"]) {
        const files = (target as Record<string, { types?: string; default?: string }>)[condition];
        expect(files?.types, `${entry} ${condition}`).toMatch(/\.d\.ts$/);
        expect(files?.default, `${entry} ${condition}`).toMatch(/\.js$/);
        // the CommonJS files live under dist/cjs (its package.json says "commonjs")
        expect(files?.default?.startsWith("./dist/cjs/"), `${entry} ${condition}`).toBe(
          condition === "require",
        );
        for (const file of [files?.types, files?.default])
          expect(existsSync(join(root, file ?? "")), `${entry} ${condition}: ${file} (run pnpm build)`).toBe(
            true,
          );
      }
    }
  });
});
