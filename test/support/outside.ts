/**
 * Projects outside the repository, set up as a user's would be: the packed tarballs of our
 * packages installed with npm next to the tools under test. Nothing here resolves through
 * the workspace's node_modules.
 *
 * Packing and installing are most of an end-to-end file's time, so both are cached under
 * `<tmpdir>/modreg-e2e/` (shared by every test file, run and worktree on the machine):
 * - a tarball is keyed by the content of the package it is packed from;
 * - an installed tree is keyed by everything npm's answer depends on (the third-party
 *   dependencies, ours' own `package.json` dependency fields, Node's and npm's versions).
 *   The first project of a key gets a real `npm install`; the next get a copy of its tree,
 *   with our packages replaced by the new tarballs' contents, unpacked as npm would.
 * `MODREG_E2E_CACHE=0` runs a fresh `npm install` for every project.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describeRun, repoRoot, run, type RunResult } from "./run.js";

const cacheRoot = join(tmpdir(), "modreg-e2e");
const caching = process.env["MODREG_E2E_CACHE"] !== "0";

/** Packs `packages/<name>` into `destination` and returns the tarball's file name. */
export function pack(packageDir: string, destination: string): string {
  const source = join(repoRoot, packageDir);
  const cached = caching
    ? join(cacheRoot, "packed", `${packageDir.replaceAll("/", "-")}-${contentHash(source)}`)
    : mkdtempSync(join(tmpdir(), "modreg-pack-"));
  if (!caching) packInto(source, cached);
  else if (!existsSync(cached)) {
    const scratch = scratchFor(cached);
    packInto(source, scratch);
    settle(scratch, cached);
  }
  const tarball = readdirSync(cached).find((name) => name.endsWith(".tgz"))!;
  copyFileSync(join(cached, tarball), join(destination, tarball));
  return tarball;
}

function packInto(source: string, destination: string): void {
  const result = run("pnpm", ["pack", "--pack-destination", destination], { cwd: source });
  if (result.status !== 0) throw new Error(`pnpm pack failed for ${source}\n${describeRun(result)}`);
  if (!readdirSync(destination).some((name) => name.endsWith(".tgz")))
    throw new Error(`pnpm pack wrote no tarball for ${source}\n${describeRun(result)}`);
}

/**
 * A hash of what `pnpm pack` reads: the package's files (all but node_modules, so nothing it
 * packs is missed) and every workspace package.json (`workspace:` ranges become their versions).
 */
function contentHash(packageDir: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      if (entry.name === "node_modules" || entry.name === ".tmp") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hash.update(`${relative(packageDir, path)}\0`).update(readFileSync(path));
    }
  };
  walk(packageDir);
  const packages = join(repoRoot, "packages");
  for (const name of readdirSync(packages).sort()) {
    const manifest = join(packages, name, "package.json");
    if (existsSync(manifest)) hash.update(readFileSync(manifest));
  }
  return hash.digest("hex").slice(0, 16);
}

/** A fresh scratch directory beside `target`, to fill and then `settle`. */
function scratchFor(target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  return mkdtempSync(`${target}.tmp-`);
}

/** Moves a filled scratch directory to `target` in one rename, so readers never see it half-made. */
function settle(scratch: string, target: string): void {
  try {
    renameSync(scratch, target);
  } catch {
    // another test file published the same key first, with the same content
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface OutsideProject {
  readonly dir: string;
  /** Tarball file names (in `dir`) by package name. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  /** The project's module system; default `"module"`. */
  readonly type?: "module" | "commonjs";
}

/**
 * Writes `dir/package.json` (ESM, our packages pinned to their tarballs through `overrides`
 * so a dependency of one on another gets the local tarball too) and installs it (see the
 * cache above). Asynchronous so that several projects install at once.
 */
export async function installOutside(project: OutsideProject): Promise<void> {
  const all = { ...project.dependencies, ...project.devDependencies };
  const ours = Object.entries(all)
    .filter(([, spec]) => spec.startsWith("file:"))
    .map(([name, spec]) => ({ name, tarball: join(project.dir, spec.slice("file:".length)) }));
  writeFileSync(
    join(project.dir, "package.json"),
    JSON.stringify(
      {
        name: "outside-app",
        private: true,
        type: project.type ?? "module",
        dependencies: project.dependencies,
        devDependencies: project.devDependencies ?? {},
        overrides: Object.fromEntries(ours.map(({ name }) => [name, `$${name}`])),
      },
      null,
      2,
    ),
  );
  if (!caching) return npmInstall(project.dir);
  const key = createHash("sha256")
    .update(
      JSON.stringify({
        third: Object.entries(all).filter(([, spec]) => !spec.startsWith("file:")),
        ours: ours.map(({ name, tarball }) => [name, dependencyFields(tarball)]),
        node: process.version,
        npm: npmVersion(),
      }),
    )
    .digest("hex")
    .slice(0, 16);
  const tree = join(cacheRoot, "installed", key);
  if (!existsSync(tree)) {
    const scratch = scratchFor(tree);
    copyFileSync(join(project.dir, "package.json"), join(scratch, "package.json"));
    for (const { tarball } of ours) copyFileSync(tarball, join(scratch, relative(project.dir, tarball)));
    try {
      await npmInstall(scratch);
    } catch (e) {
      rmSync(scratch, { recursive: true, force: true });
      throw e;
    }
    settle(scratch, tree);
  }
  // hard links: the tree is only read (tools write their caches as new files)
  const copied = run("cp", ["-al", join(tree, "node_modules"), join(project.dir, "node_modules")]);
  if (copied.status !== 0) throw new Error(`copying ${tree} failed\n${describeRun(copied)}`);
  for (const { name, tarball } of ours) unpackAsNpm(tarball, join(project.dir, "node_modules", name));
}

let npmVersionText: string | undefined;
function npmVersion(): string {
  return (npmVersionText ??= run("npm", ["--version"]).stdout.trim());
}

async function npmInstall(dir: string): Promise<void> {
  const result = await runAsync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
  if (result.status !== 0) throw new Error(`npm install failed in ${dir}\n${describeRun(result)}`);
}

interface PackedManifest {
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

function packedManifest(tarball: string): PackedManifest {
  const result = spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`cannot read package.json of ${tarball}: ${result.stderr}`);
  return JSON.parse(result.stdout) as PackedManifest;
}

/** What decides the tree npm installs for a package of ours (and its bin links). */
function dependencyFields(tarball: string): unknown {
  const manifest = packedManifest(tarball);
  return ["dependencies", "peerDependencies", "peerDependenciesMeta", "optionalDependencies", "bin"].map(
    (field) => manifest[field],
  );
}

/** Replaces `target` with the tarball's `package/` contents, bins executable, as npm lays it out. */
function unpackAsNpm(tarball: string, target: string): void {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const result = spawnSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`cannot unpack ${tarball}: ${result.stderr}`);
  const { bin } = packedManifest(tarball);
  for (const file of typeof bin === "string" ? [bin] : Object.values(bin ?? {}))
    chmodSync(join(target, file), 0o755);
}

function runAsync(command: string, args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, CI: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
