/**
 * The container as a dependency: what a module gets for a parameter typed `Resolver`, and
 * `resolveAll`, the async `getAll`.
 */
import type { DiscoverQuery } from "./container-types.js";
import type { Constructor } from "./manifest.js";
import type { ModuleNode } from "./node.js";
import type { Provider } from "./provider.js";
import type { Token } from "./tokens.js";
import type {
  ArgsOf,
  ClassArgs,
  InstanceOf,
  ModuleId,
  ModuleKey,
  ModuleRegistry,
  UntypedId,
} from "./types.js";

export { RESOLVER_KEY } from "./resolver-key.js";

/**
 * The instance APIs of a container. A constructor (or provider function) parameter typed
 * `Resolver` receives the container that builds the module — a child's own copy gets the
 * child — for plugin loaders and named lookups. It is a deferred edge: it never builds
 * anything early and never forms a cycle.
 *
 * @example
 * @Module()
 * export class Exporters {
 *   constructor(private readonly resolver: Resolver) {}
 *   byName(name: string): Exporter {
 *     return this.resolver.get<Exporter>(`${name}-exporter`);
 *   }
 * }
 */
export interface Resolver<R extends object = ModuleRegistry> {
  /** The instance, synchronously. Throws `MODULE_ASYNC_INIT` when building it needs an async `onInit`. */
  get<K extends ModuleId<R>>(id: K): InstanceOf<K, R>;
  get<T>(key: Constructor<T> | Provider<T> | Token<T> | UntypedId<R>): T;
  /** The instance; also builds lazy modules whose `onInit` is async. */
  resolve<K extends ModuleId<R>>(id: K): Promise<InstanceOf<K, R>>;
  resolve<T>(key: Constructor<T> | Provider<T> | Token<T> | UntypedId<R>): Promise<T>;
  /**
   * A new instance of a factory-scoped module with its runtime arguments, typed from the
   * generated registry (`ModuleArgs`, or a local registry's `[MODULE_ARGS]`): `create(ExportJob, "tenant-42")`.
   */
  create<K extends ModuleId<R>>(id: K, ...args: ArgsOf<K, R>): InstanceOf<K, R>;
  create<C extends Constructor>(key: C, ...args: ClassArgs<C, R>): InstanceType<C>;
  create<T>(key: Provider<T> | Token<T> | UntypedId<R>, ...args: unknown[]): T;
  /** True exactly when `get` would not throw `MODULE_NOT_FOUND`. Works before `start`. */
  has(key: ModuleKey): boolean;
  /** Instances of every active provider of a token, or of every module `discover` returns. */
  getAll<T>(query: Token<T> | DiscoverQuery): T[];
  /**
   * `getAll` for providers with async initialisation: builds each one not built yet (awaiting
   * its `onInit` or async provider function), one at a time in id order, sharing any build in
   * progress, so each is built once.
   */
  resolveAll<T>(query: Token<T> | DiscoverQuery): Promise<T[]>;
}

/** Resolves `nodes` one after the other (a build shared with any other caller), in their order. */
export async function resolveEach(
  nodes: readonly ModuleNode[],
  resolveNode: (node: ModuleNode) => Promise<unknown>,
): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const node of nodes) values.push(await resolveNode(node));
  return values;
}
