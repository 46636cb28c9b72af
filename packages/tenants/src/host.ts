/**
 * The tenant host: loads tenants' modules into children of a started app container, and
 * enables and disables them at run time with a package manager's dependency rules, the
 * tenant store being the source of truth.
 */
import {
  type Constructor,
  type Container,
  type ModuleRecord,
  ModuleRegistryError,
  type Provider,
  type Token,
  compareIds,
  interfaceName,
} from "@modreg/core";
import { type CanDisable, type CanEnable, Catalog, type DependencyTree } from "./catalog.js";
import { createMemoryStore } from "./memory-store.js";
import type { FlagValue, TenantState, TenantStore } from "./store.js";
import { type TenantModuleInfo, TenantRuntime, featuresOf } from "./tenant.js";
import { checkTenantId } from "./validate.js";

/**
 * What the host needs of a flag service (`createFlags`): change notifications from every
 * instance, an invalidation to send after it changed a tenant, and its stats.
 */
export interface TenantHostFlags {
  onChange(listener: (tenantId: string) => void): () => void;
  /** Changes may have been missed (Redis back after an outage): the host refreshes every loaded tenant. */
  onResync?(listener: () => void): () => void;
  invalidate?(tenantId: string): Promise<void>;
  stats?(): unknown;
}

export interface TenantHostOptions {
  /** Where tenants' enabled modules and flags live. Default: `createMemoryStore()`. */
  readonly store?: TenantStore;
  /** Flag service: its change notifications (pub/sub across instances) make this host `refresh`. */
  readonly flags?: TenantHostFlags;
  /** A failing tenant module is `failed` for that tenant only (default `true`); `false`: `load` rejects. */
  readonly isolateFailures?: boolean;
  /** Failures that do not reject a call (isolated module failures, dispose failures, refresh errors). */
  readonly onWarning?: (message: string, error?: unknown) => void;
}

export interface EnableOptions {
  /** Also enable the required dependencies that are not enabled, in load order. */
  readonly withDependencies?: boolean;
}

export interface DisableOptions {
  /** Also disable the enabled modules that require it. */
  readonly withDependents?: boolean;
}

/** `stats()`. */
export interface TenantHostStats {
  readonly tenantsLoaded: number;
  readonly modulesLoaded: number;
  readonly tenants: Readonly<Record<string, Readonly<Record<TenantModuleInfo["state"], number>>>>;
  readonly enables: number;
  readonly disables: number;
  readonly loadFailures: number;
  readonly refreshes: number;
  /** The flag service's `stats()`, when one was given. */
  readonly flags?: unknown;
}

export interface TenantHost extends AsyncDisposable {
  /** Builds the tenant's enabled modules in a child of the app's container (again: the same load). */
  load(tenantId: string): Promise<void>;
  /** Creates a tenant in the store with these modules (checked like `enable`) and flags. */
  create(
    tenantId: string,
    init?: { modules?: readonly string[]; flags?: Record<string, FlagValue> },
  ): Promise<void>;
  /** An instance from the tenant's container: a tenant module it has enabled, or a shared one. */
  /** By class, provider (`provide()`), token or id; a tenant module must be enabled (`MODULE_NOT_ENABLED`). */
  get<T>(tenantId: string, key: Constructor<T> | Provider<T> | Token<T> | string): T;
  enable(tenantId: string, moduleId: string, options?: EnableOptions): Promise<readonly string[]>;
  disable(tenantId: string, moduleId: string, options?: DisableOptions): Promise<readonly string[]>;
  isEnabled(tenantId: string, moduleId: string): boolean;
  modulesOf(tenantId: string): TenantModuleInfo[];
  /** Re-reads the tenant from the store and applies what changed (other instances' writes). */
  refresh(tenantId: string): Promise<void>;
  unload(tenantId: string): Promise<void>;
  loaded(): string[];
  canEnable(moduleId: string, enabled: readonly string[]): CanEnable;
  canDisable(moduleId: string, enabled: readonly string[]): CanDisable;
  dependencyTree(moduleId: string): DependencyTree;
  loadOrder(moduleIds: readonly string[]): string[];
  /** Every tenant module of the catalogue. */
  catalog(): { id: string; version: string; metadata: ModuleRecord["metadata"] }[];
  stats(): TenantHostStats;
  /** Unloads every tenant and stops following flag changes (the store and app stay open). */
  dispose(): Promise<void>;
}

/**
 * A tenant host over a started app container.
 *
 * @example
 * const tenants = createTenantHost(app, { store, flags });
 * await tenants.load("acme");
 * await tenants.enable("acme", "clinic", { withDependencies: true });
 * tenants.get("acme", Clinic);
 */
export function createTenantHost(app: Container, options: TenantHostOptions = {}): TenantHost {
  return new Host(app, options);
}

class Host implements TenantHost {
  private readonly store: TenantStore;
  private readonly isolate: boolean;
  private readonly tenants = new Map<string, TenantRuntime>();
  private readonly loading = new Map<string, Promise<void>>();
  /** One change at a time per tenant. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private catalogCache: { manifests: number; catalog: Catalog } | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private counts = { enables: 0, disables: 0, loadFailures: 0, refreshes: 0 };
  private disposed = false;

  constructor(
    private readonly app: Container,
    private readonly options: TenantHostOptions,
  ) {
    if (typeof app?.child !== "function" || typeof app.manifests !== "function") {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        "createTenantHost(app): app must be a modreg container.",
      );
    }
    this.store = options.store ?? createMemoryStore();
    this.isolate = options.isolateFailures ?? true;
    const flags = options.flags;
    if (flags === undefined) return;
    this.unsubscribe.push(flags.onChange((tenantId) => this.follow(tenantId, "a change")));
    const onResync = flags.onResync?.bind(flags);
    if (onResync !== undefined) {
      this.unsubscribe.push(
        onResync(() => {
          for (const tenantId of this.tenants.keys()) this.follow(tenantId, "missed changes");
        }),
      );
    }
  }

  /** Refreshes a loaded tenant in the background after another instance may have changed it. */
  private follow(tenantId: string, why: string): void {
    if (!this.tenants.has(tenantId)) return;
    this.refresh(tenantId).catch((error: unknown) =>
      this.warn(`refreshing tenant "${tenantId}" after ${why} failed: ${String(error)}`, error),
    );
  }

  private warn(message: string, error?: unknown): void {
    if (this.options.onWarning) this.options.onWarning(message, error);
    else process.emitWarning(message, { code: "MODREG_TENANTS" });
  }

  private catalogNow(): Catalog {
    const manifests = this.app.manifests();
    if (this.catalogCache?.manifests !== manifests.length) {
      this.catalogCache = {
        manifests: manifests.length,
        catalog: new Catalog(manifests, this.app.modules()),
      };
    }
    return this.catalogCache.catalog;
  }

  private serial<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(tenantId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(tenantId, tail);
    void tail.then(() => {
      if (this.queues.get(tenantId) === tail) this.queues.delete(tenantId);
    });
    return next;
  }

  private async read(tenantId: string): Promise<TenantState | undefined> {
    return storeCall(`reading tenant "${tenantId}"`, () => this.store.read(tenantId));
  }

  private async existing(tenantId: string): Promise<TenantState> {
    const state = await this.read(tenantId);
    if (state === undefined) {
      throw new ModuleRegistryError(
        "TENANT_NOT_FOUND",
        `no tenant "${tenantId}" in the tenant store: create it with \`tenants.create("${tenantId}", { modules })\`.`,
      );
    }
    return state;
  }

  private runtime(tenantId: string, where: string): TenantRuntime {
    checkTenantId(where, tenantId);
    const runtime = this.tenants.get(tenantId);
    if (runtime === undefined) {
      throw new ModuleRegistryError(
        "TENANT_NOT_LOADED",
        `${where}: tenant "${tenantId}" is not loaded on this instance: \`await tenants.load("${tenantId}")\` first.`,
      );
    }
    return runtime;
  }

  private assertOpen(where: string): void {
    if (this.disposed)
      throw new ModuleRegistryError("CONTAINER_DISPOSED", `${where}: the tenant host was disposed.`);
  }

  // ---- loading -----------------------------------------------------------------------

  async load(tenantId: string): Promise<void> {
    checkTenantId("tenants.load(tenantId)", tenantId);
    this.assertOpen("tenants.load()");
    if (this.tenants.has(tenantId)) return;
    let pending = this.loading.get(tenantId);
    if (pending === undefined) {
      pending = this.serial(tenantId, () => this.loadNow(tenantId)).finally(() =>
        this.loading.delete(tenantId),
      );
      this.loading.set(tenantId, pending);
    }
    return pending;
  }

  private async loadNow(tenantId: string): Promise<void> {
    if (this.tenants.has(tenantId)) return;
    const state = await this.existing(tenantId);
    const runtime = await this.build(tenantId, state);
    if (this.disposed) {
      await runtime.dispose();
      throw new ModuleRegistryError(
        "CONTAINER_DISPOSED",
        "tenants.load(): the tenant host was disposed meanwhile.",
      );
    }
    this.tenants.set(tenantId, runtime);
  }

  private async build(tenantId: string, state: TenantState): Promise<TenantRuntime> {
    const catalog = this.catalogNow();
    for (const id of state.modules) {
      if (!catalog.has(id))
        this.warn(
          `tenant "${tenantId}" has module "${id}" enabled, which no manifest of the app has; skipped.`,
        );
    }
    const runtime = new TenantRuntime(this.app, tenantId, state);
    try {
      await runtime.start(catalog, this.isolate);
    } catch (error) {
      this.counts.loadFailures++;
      await runtime.dispose().catch(() => undefined);
      throw error;
    }
    for (const m of runtime.takeFailures()) {
      this.counts.loadFailures++;
      this.warn(
        `tenant "${tenantId}": module "${m.id}" failed to load; its dependents are skipped.`,
        m.error,
      );
    }
    return runtime;
  }

  async create(
    tenantId: string,
    init: { modules?: readonly string[]; flags?: Record<string, FlagValue> } = {},
  ): Promise<void> {
    checkTenantId("tenants.create(tenantId)", tenantId);
    this.assertOpen("tenants.create()");
    const modules = [...(init.modules ?? [])];
    const catalog = this.catalogNow();
    for (const id of modules) {
      const check = catalog.canEnable(id, modules);
      if (!check.canEnable) throw refusal(tenantId, id, check);
    }
    await this.serial(tenantId, async () => {
      await storeCall(`creating tenant "${tenantId}"`, () =>
        this.store.update(tenantId, (current) => {
          if (current.revision > 0) {
            throw new ModuleRegistryError(
              "INVALID_ARGUMENT",
              `tenants.create(): tenant "${tenantId}" already exists.`,
            );
          }
          return { modules, flags: init.flags ?? {} };
        }),
      );
    });
    await this.options.flags?.invalidate?.(tenantId).catch(() => undefined);
  }

  // ---- enable / disable ----------------------------------------------------------------

  async enable(tenantId: string, moduleId: string, options: EnableOptions = {}): Promise<readonly string[]> {
    checkTenantId("tenants.enable(tenantId)", tenantId);
    checkModuleId("tenants.enable", moduleId);
    this.assertOpen("tenants.enable()");
    const added = await this.serial(tenantId, () => this.enableNow(tenantId, moduleId, options));
    this.counts.enables += added.length;
    if (added.length > 0) await this.notify(tenantId);
    return added;
  }

  private async enableNow(tenantId: string, moduleId: string, options: EnableOptions): Promise<string[]> {
    const catalog = this.catalogNow();
    const runtime = this.tenants.get(tenantId);
    const enabled = runtime?.enabled ?? (await this.existing(tenantId)).modules;
    if (enabled.includes(moduleId)) return [];
    const check = catalog.canEnable(moduleId, enabled);
    const missingOnly = check.versionConflicts.length === 0 && !check.cycle && check.unavailable.length === 0;
    if (!check.canEnable && !(missingOnly && options.withDependencies === true))
      throw refusal(tenantId, moduleId, check);
    const added = catalog.loadOrder([...check.missing, moduleId]);
    if (runtime !== undefined) {
      const rebuilt = rebuildSet(catalog, new Set(added), runtime.loadedIds());
      await runtime.add(catalog, added, rebuilt);
      try {
        runtime.revision = (await this.persist(tenantId, (modules) => [...modules, ...added])).revision;
      } catch (error) {
        const problems = await runtime.remove(catalog, added, rebuilt);
        for (const p of problems)
          this.warn(`rolling back enable of "${moduleId}" for "${tenantId}": ${String(p)}`, p);
        throw error;
      }
      runtime.enabled = sorted([...runtime.enabled, ...added]);
    } else {
      await this.persist(tenantId, (modules) => [...modules, ...added]);
    }
    return added;
  }

  async disable(
    tenantId: string,
    moduleId: string,
    options: DisableOptions = {},
  ): Promise<readonly string[]> {
    checkTenantId("tenants.disable(tenantId)", tenantId);
    checkModuleId("tenants.disable", moduleId);
    this.assertOpen("tenants.disable()");
    const removed = await this.serial(tenantId, () => this.disableNow(tenantId, moduleId, options));
    this.counts.disables += removed.length;
    if (removed.length > 0) await this.notify(tenantId);
    return removed;
  }

  private async disableNow(tenantId: string, moduleId: string, options: DisableOptions): Promise<string[]> {
    const catalog = this.catalogNow();
    catalog.record(moduleId);
    const runtime = this.tenants.get(tenantId);
    const enabled = runtime?.enabled ?? (await this.existing(tenantId)).modules;
    if (!enabled.includes(moduleId)) return [];
    const { dependents } = catalog.canDisable(moduleId, enabled);
    if (dependents.length > 0 && options.withDependents !== true) {
      throw new ModuleRegistryError(
        "MODULE_IN_USE",
        `cannot disable "${moduleId}" for tenant "${tenantId}": ${dependents.map((d) => `"${d}"`).join(", ")} require${dependents.length === 1 ? "s" : ""} it. Disable ${dependents.length === 1 ? "it" : "them"} first, or pass { withDependents: true }.`,
        { moduleId, modules: dependents },
      );
    }
    const removed = [...catalog.loadOrder([moduleId, ...dependents])].reverse();
    const state = await this.persist(tenantId, (modules) => modules.filter((m) => !removed.includes(m)));
    if (runtime !== undefined) {
      const gone = new Set(removed);
      const rebuild = rebuildSet(
        catalog,
        gone,
        runtime.loadedIds().filter((id) => !gone.has(id)),
      );
      runtime.enabled = runtime.enabled.filter((m) => !gone.has(m));
      runtime.revision = state.revision;
      for (const p of await runtime.remove(catalog, removed, rebuild)) {
        this.warn(`disabling "${moduleId}" for "${tenantId}": ${String(p)}`, p);
      }
    }
    return removed;
  }

  /** Writes the tenant's module list (compare-and-set on what is stored now). */
  private persist(tenantId: string, change: (modules: readonly string[]) => string[]): Promise<TenantState> {
    return storeCall(`writing tenant "${tenantId}"`, () =>
      this.store.update(tenantId, (current) => {
        if (current.revision === 0) {
          throw new ModuleRegistryError("TENANT_NOT_FOUND", `no tenant "${tenantId}" in the tenant store.`);
        }
        return { modules: sorted(change(current.modules)) };
      }),
    );
  }

  /** Tells the other instances (through the flag service's pub/sub) that the tenant changed. */
  private async notify(tenantId: string): Promise<void> {
    try {
      await this.options.flags?.invalidate?.(tenantId);
    } catch (error) {
      this.warn(`telling other instances about tenant "${tenantId}" failed: ${String(error)}`, error);
    }
  }

  // ---- following other instances -------------------------------------------------------

  async refresh(tenantId: string): Promise<void> {
    this.runtime(tenantId, "tenants.refresh()");
    return this.serial(tenantId, () => this.refreshNow(tenantId));
  }

  private async refreshNow(tenantId: string): Promise<void> {
    const runtime = this.tenants.get(tenantId);
    if (runtime === undefined) return;
    const state = await this.existing(tenantId);
    if (state.revision === runtime.revision) return;
    this.counts.refreshes++;
    const sameFeatures =
      sorted(featuresOf(state.flags)).join("\0") === sorted(featuresOf(runtime.flags)).join("\0");
    const catalog = this.catalogNow();
    runtime.flags = state.flags;
    if (!sameFeatures) {
      // `when.feature` is fixed per tenant container: a new one, swapped in once built
      const next = await this.build(tenantId, state);
      this.tenants.set(tenantId, next);
      await runtime
        .dispose()
        .catch((error: unknown) => this.warn(`disposing tenant "${tenantId}": ${String(error)}`, error));
      return;
    }
    const now = new Set(state.modules);
    const removed = runtime.enabled.filter((id) => !now.has(id));
    const added = state.modules.filter((id) => !runtime.enabled.includes(id) && catalog.has(id));
    runtime.enabled = state.modules;
    runtime.revision = state.revision;
    if (removed.length > 0) {
      const gone = new Set(removed);
      const remaining = runtime.loadedIds().filter((id) => !gone.has(id));
      const rebuild = catalog.dependentsWithin(gone, remaining);
      for (const p of await runtime.remove(catalog, [...removed, ...rebuild], [])) this.warn(String(p), p);
    }
    if (added.length > 0) {
      try {
        await runtime.add(catalog, catalog.loadOrder(added), []);
      } catch (error) {
        this.counts.loadFailures++;
        this.warn(`tenant "${tenantId}": enabling ${added.join(", ")} from the store failed.`, error);
      }
    }
  }

  // ---- reading -------------------------------------------------------------------------

  get<T>(tenantId: string, key: Constructor<T> | Provider<T> | Token<T> | string): T {
    const runtime = this.runtime(tenantId, "tenants.get()");
    const catalog = this.catalogNow();
    const id =
      typeof key === "string"
        ? key
        : catalog.ids().find((m) => {
            const record = catalog.record(m);
            return record.class === key || record.provider === key;
          });
    return runtime.get(key, id !== undefined && catalog.has(id) ? id : undefined) as T;
  }

  isEnabled(tenantId: string, moduleId: string): boolean {
    checkModuleId("tenants.isEnabled", moduleId);
    return this.runtime(tenantId, "tenants.isEnabled()").enabled.includes(moduleId);
  }

  modulesOf(tenantId: string): TenantModuleInfo[] {
    return this.runtime(tenantId, "tenants.modulesOf()").states();
  }

  async unload(tenantId: string): Promise<void> {
    checkTenantId("tenants.unload(tenantId)", tenantId);
    await this.serial(tenantId, async () => {
      const runtime = this.tenants.get(tenantId);
      if (runtime === undefined) return;
      this.tenants.delete(tenantId);
      await runtime.dispose();
    });
  }

  loaded(): string[] {
    return [...this.tenants.keys()].sort(compareIds);
  }

  canEnable(moduleId: string, enabled: readonly string[]): CanEnable {
    checkModuleId("tenants.canEnable", moduleId);
    return this.catalogNow().canEnable(moduleId, checkIds("tenants.canEnable", enabled));
  }

  canDisable(moduleId: string, enabled: readonly string[]): CanDisable {
    checkModuleId("tenants.canDisable", moduleId);
    return this.catalogNow().canDisable(moduleId, checkIds("tenants.canDisable", enabled));
  }

  dependencyTree(moduleId: string): DependencyTree {
    checkModuleId("tenants.dependencyTree", moduleId);
    return this.catalogNow().dependencyTree(moduleId);
  }

  loadOrder(moduleIds: readonly string[]): string[] {
    return this.catalogNow().loadOrder(checkIds("tenants.loadOrder", moduleIds));
  }

  catalog(): { id: string; version: string; metadata: ModuleRecord["metadata"] }[] {
    const catalog = this.catalogNow();
    return catalog.ids().map((id) => {
      const r = catalog.record(id);
      return { id, version: r.version ?? "0.0.0", metadata: r.metadata };
    });
  }

  stats(): TenantHostStats {
    const tenants: Record<string, Record<TenantModuleInfo["state"], number>> = {};
    let modulesLoaded = 0;
    for (const [id, runtime] of this.tenants) {
      const counts = { ready: 0, failed: 0, skipped: 0, inactive: 0, pending: 0 };
      for (const m of runtime.states()) counts[m.state]++;
      modulesLoaded += counts.ready;
      tenants[id] = counts;
    }
    const flags = this.options.flags?.stats?.();
    return {
      tenantsLoaded: this.tenants.size,
      modulesLoaded,
      tenants,
      ...this.counts,
      ...(flags !== undefined && { flags }),
    };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const stop of this.unsubscribe.splice(0)) stop();
    await Promise.allSettled([...this.loading.values()]);
    const failures: unknown[] = [];
    for (const id of this.loaded().reverse()) {
      await this.unload(id).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) {
      throw new ModuleRegistryError(
        "MODULE_DISPOSE_FAILED",
        `${failures.length} tenant(s) failed to dispose.`,
        {
          errors: failures,
        },
      );
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** The coded error for a module `canEnable` refuses. */
function refusal(tenantId: string, moduleId: string, check: CanEnable): ModuleRegistryError {
  if (check.unavailable.length > 0) {
    return new ModuleRegistryError(
      "MODULE_DEPENDENCY_MISSING",
      `cannot enable "${moduleId}" for tenant "${tenantId}": no module provides ${check.unavailable.map(interfaceName).join(", ")}. ` +
        `Add a module that provides ${check.unavailable.length === 1 ? "it" : "each"}, then enable again.`,
      {
        moduleId,
        modules: check.unavailable,
        ...(check.unavailable.length === 1 && { key: check.unavailable[0]! }),
      },
    );
  }
  if (check.cycle) {
    return new ModuleRegistryError(
      "MODULE_CIRCULAR_DEPENDENCY",
      `cannot enable "${moduleId}" for tenant "${tenantId}": it closes the cycle ${check.cycle.join(" -> ")}.`,
      { moduleId, path: check.cycle },
    );
  }
  if (check.versionConflicts.length > 0) {
    const c = check.versionConflicts[0]!;
    return new ModuleRegistryError(
      "MODULE_VERSION_MISMATCH",
      `cannot enable "${moduleId}" for tenant "${tenantId}": it needs "${c.id}@${c.range}", but "${c.id}" is version ${c.version}.`,
      { moduleId, path: [moduleId, c.id] },
    );
  }
  return new ModuleRegistryError(
    "MODULE_DEPENDENCY_MISSING",
    `cannot enable "${moduleId}" for tenant "${tenantId}": it requires ${check.missing.map((m) => `"${m}"`).join(", ")}, not enabled. Enable ${check.missing.length === 1 ? "it" : "them"} first, or pass { withDependencies: true }.`,
    { moduleId, modules: check.missing },
  );
}

/** Runs a store call; anything it throws that is not already coded becomes `STORE_FAILED` with the cause. */
async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (ModuleRegistryError.is(error)) throw error;
    throw new ModuleRegistryError(
      "STORE_FAILED",
      `the tenant store failed ${what}; nothing was changed. See the cause.`,
      {
        cause: error,
      },
    );
  }
}

function checkModuleId(where: string, id: unknown): asserts id is string {
  if (typeof id !== "string" || id === "") {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `${where}(moduleId): a module id must be a non-empty string.`,
    );
  }
}

function checkIds(where: string, ids: unknown): string[] {
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) {
    throw new ModuleRegistryError("INVALID_ARGUMENT", `${where}: expected an array of module ids.`);
  }
  return ids;
}

/** Loaded modules to rebuild when `changed` come or go: their optional dependents, and what depends on those. */
function rebuildSet(catalog: Catalog, changed: ReadonlySet<string>, loaded: readonly string[]): string[] {
  const direct = catalog.optionalDependents(changed, loaded);
  return [...new Set([...direct, ...catalog.dependentsWithin(new Set(direct), loaded)])];
}

function sorted(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort(compareIds);
}
