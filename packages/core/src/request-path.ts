import { ModuleRegistryError, formatPath } from "./errors.js";
import type { ModuleNode } from "./node.js";

/** The shortest dependency path (any edge) from `from` to the module with id `to`, or `undefined`. */
function pathTo(from: ModuleNode, to: string): string[] | undefined {
  const parent = new Map<ModuleNode, ModuleNode | undefined>([[from, undefined]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (node.id === to) {
      const path: string[] = [];
      for (let at: ModuleNode | undefined = node; at !== undefined; at = parent.get(at)) path.push(at.id);
      return path.reverse();
    }
    for (const targets of node.targets) {
      for (const target of targets) {
        if (parent.has(target)) continue;
        parent.set(target, node);
        queue.push(target);
      }
    }
  }
  return undefined;
}

/**
 * A `MODULE_LOAD_FAILED` of a module deeper than `asked` as the caller should see it: with
 * the path from what was asked for (`top -> mid -> leaf`). Other errors are returned as they are.
 */
export function requestPathError(asked: ModuleNode, error: unknown): unknown {
  if (!ModuleRegistryError.is(error, "MODULE_LOAD_FAILED")) return error;
  const failed = error.moduleId;
  // A skipped module's error already carries its path to the failure: extend it.
  const known = error.path ?? (failed === undefined ? [] : [failed]);
  const first = known[0];
  if (failed === undefined || first === undefined || first === asked.id) return error;
  const prefix = pathTo(asked, first);
  if (prefix === undefined) return error;
  const path = [...prefix, ...known.slice(1)];
  return new ModuleRegistryError(
    "MODULE_LOAD_FAILED",
    `${error.message.slice(error.code.length + 2)} Path: ${formatPath(path)}.`,
    { moduleId: failed, path, cause: error.cause },
  );
}

/** Runs `build` for `asked`, reporting a deeper load failure with its path. */
export function withRequestPath<T>(asked: ModuleNode, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw requestPathError(asked, error);
  }
}
