/**
 * Projects outside the repository, set up as a user's would be: the packed tarballs of our
 * packages installed with npm next to the tools under test. Nothing here resolves through
 * the workspace's node_modules.
 */
import { spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeRun, repoRoot, run, type RunResult } from "./run.js";

/** Packs `packages/<name>` into `destination` and returns the tarball's file name. */
export function pack(packageDir: string, destination: string): string {
  const before = new Set(readdirSync(destination));
  const result = run("pnpm", ["pack", "--pack-destination", destination], {
    cwd: join(repoRoot, packageDir),
  });
  if (result.status !== 0) throw new Error(`pnpm pack failed for ${packageDir}\n${describeRun(result)}`);
  const tarball = readdirSync(destination).find((name) => !before.has(name) && name.endsWith(".tgz"));
  if (tarball === undefined)
    throw new Error(`pnpm pack wrote no tarball for ${packageDir}\n${describeRun(result)}`);
  return tarball;
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
 * so a dependency of one on another gets the local tarball too) and runs `npm install`.
 * Asynchronous so that several projects install at once.
 */
export async function installOutside(project: OutsideProject): Promise<void> {
  const local = Object.fromEntries(
    Object.entries({ ...project.dependencies, ...project.devDependencies })
      .filter(([, spec]) => spec.startsWith("file:"))
      .map(([name]) => [name, `$${name}`]),
  );
  writeFileSync(
    join(project.dir, "package.json"),
    JSON.stringify(
      {
        name: "outside-app",
        private: true,
        type: project.type ?? "module",
        dependencies: project.dependencies,
        devDependencies: project.devDependencies ?? {},
        overrides: local,
      },
      null,
      2,
    ),
  );
  const result = await runAsync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund"],
    project.dir,
  );
  if (result.status !== 0) throw new Error(`npm install failed in ${project.dir}\n${describeRun(result)}`);
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
