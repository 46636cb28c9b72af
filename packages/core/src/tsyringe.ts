/**
 * A bridge for apps that move from tsyringe gradually: a modreg container's modules,
 * registered into a tsyringe container, so `container.resolve(X)` call sites keep working
 * while the graph is already checked at build time. tsyringe is not imported: any object
 * with tsyringe's `register(token, { useFactory })` works.
 */
import type { Container } from "./container-types.js";
import { ModuleRegistryError } from "./errors.js";
import { interfaceName } from "./keys.js";

/** A class as tsyringe's `register` types it (not abstract). */
export type TsyringeClassToken = new (...args: never[]) => unknown;

/** What the bridge needs of a tsyringe `DependencyContainer`. */
export interface TsyringeContainerLike {
  register(token: string | TsyringeClassToken, provider: { useFactory: () => unknown }): unknown;
}

/** Options of {@link toTsyringe}. */
export interface ToTsyringeOptions {
  /**
   * Also register each module under its id and each provided interface under its name
   * (`"Logger"`) and its full key, as tsyringe string tokens. Default `true`.
   */
  readonly names?: boolean;
}

/**
 * Registers the active modules of a started modreg container into a tsyringe container:
 * by class, and (unless `names: false`) by id and by interface name. Each registration is a
 * `useFactory` that asks the modreg container, so scopes stay modreg's (one singleton, a new
 * factory instance per resolve); a name several modules provide resolves, as in tsyringe,
 * to the last one registered (ordered by id) and `resolveAll` gives all of them.
 * Factory modules with runtime arguments are skipped (use `container.create`).
 *
 * @example
 * import "reflect-metadata";
 * import { container as tsyringe } from "tsyringe";
 * const app = createContainer(manifest);
 * await app.start();
 * toTsyringe(app, tsyringe);
 * tsyringe.resolve(Database); // the modreg singleton
 * tsyringe.resolve<Logger>("Logger");
 */
export function toTsyringe<C extends TsyringeContainerLike>(
  container: Container,
  tsyringe: C,
  options: ToTsyringeOptions = {},
): C {
  if (typeof tsyringe?.register !== "function") {
    throw new ModuleRegistryError(
      "MODULE_INVALID_OPTIONS",
      "toTsyringe(container, tsyringe): expected a tsyringe container (an object with register()) as the second argument.",
    );
  }
  const names = options.names ?? true;
  for (const manifest of container.manifests()) {
    for (const record of manifest.modules) {
      if ((record.args ?? 0) > 0 || !container.has(record.id)) continue;
      const cls = record.class;
      const id = record.id;
      const useFactory = (): unknown => container.get(id);
      // a provider function's record has no class: it is registered by id and interface only.
      // An abstract class is a token like any other at run time.
      if (cls !== undefined)
        tsyringe.register(cls as unknown as TsyringeClassToken, { useFactory: () => container.get(cls) });
      if (!names) continue;
      tsyringe.register(id, { useFactory });
      for (const key of record.provides ?? []) {
        const name = interfaceName(key);
        for (const alias of name === key ? [key] : [name, key]) {
          tsyringe.register(alias, { useFactory });
        }
      }
    }
  }
  return tsyringe;
}
