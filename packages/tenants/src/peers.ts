/**
 * The optional peer dependencies (`pg`, `express`, `@openfeature/server-sdk`, `redis`), loaded
 * only by the entries that use them. A peer that is not installed is `PEER_DEPENDENCY_MISSING`
 * naming it and the entry that needs it, instead of Node's bare "Cannot find package".
 */
import { ModuleRegistryError } from "@modreg/core";
import requireHere from "./require-here.cjs";

function missing(name: string, entry: string, error: unknown): ModuleRegistryError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : "";
  if ((code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") || !message.includes(`'${name}'`))
    return undefined;
  return new ModuleRegistryError(
    "PEER_DEPENDENCY_MISSING",
    `${entry} needs "${name}", an optional peer dependency that is not installed: \`npm install ${name}\`.`,
    { cause: error },
  );
}

/** A CommonJS peer (`pg`, `express`), loaded synchronously when the entry is imported. */
export function requirePeer<T>(name: string, entry: string): T {
  try {
    return requireHere(name) as T;
  } catch (error) {
    throw missing(name, entry, error) ?? error;
  }
}

/** A peer loaded as an ES module (`import()`: the same copy the app imports). */
export async function importPeer<T>(name: string, entry: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw missing(name, entry, error) ?? error;
  }
}
