/**
 * One loaded tenant: a child of the app's container holding that tenant's enabled modules,
 * changed in place by runtime registration (`load`/`unload` on the running child).
 */
import {
  type Container,
  ModuleRegistryError,
  type TenantContext,
  compareIds,
  tenantContext,
} from "@modreg/core";
import type { Catalog } from "./catalog.js";
import type { FlagValue } from "./store.js";

/** The state of one enabled module of a tenant (`modulesOf`). */
export interface TenantModuleInfo {
  readonly id: string;
  readonly version: string;
  /** `ready`, `failed` (its error), `skipped` (a required dependency failed or is inactive), `inactive` (its `when` is off for this tenant), `pending` (lazy, not built yet). */
  readonly state: "ready" | "failed" | "skipped" | "inactive" | "pending";
  readonly error?: unknown;
  readonly reason?: string;
}

export class TenantRuntime {
  readonly child: Container;
  /** Enabled module ids, as in the store. */
  enabled: readonly string[];
  flags: Readonly<Record<string, FlagValue>>;
  revision: number;
  /** Enabled modules not loaded into the child: a required dependency is inactive (made when one is). */
  private blocked: Map<string, string> | undefined;
  /** Ids loaded into the child. */
  private readonly loaded = new Set<string>();
  /** Modules that failed to build during `start` (the child's `failed` events), until taken. */
  private failures: { readonly id: string; readonly error: unknown }[] = [];

  constructor(
    app: Container,
    readonly tenantId: string,
    state: { modules: readonly string[]; flags: Readonly<Record<string, FlagValue>>; revision: number },
  ) {
    this.enabled = state.modules;
    this.flags = state.flags;
    this.revision = state.revision;
    const flagsOf = (): Readonly<Record<string, FlagValue>> => this.flags;
    const context: TenantContext = {
      tenantId,
      get flags() {
        return flagsOf();
      },
      isEnabled: (flag) => flagsOf()[flag] === true,
    };
    this.child = app.child({
      overrides: [{ provide: tenantContext, useValue: context }],
      features: featuresOf(state.flags),
    });
  }

  /** Loads and builds the enabled modules; with `isolate`, failures are left `failed` for this tenant. */
  async start(catalog: Catalog, isolate: boolean): Promise<void> {
    const ids = this.enabled.filter((id) => catalog.has(id));
    this.child.load(catalog.manifestOf(ids));
    for (const id of ids) this.loaded.add(id);
    // `has` is false for a module whose `when` is off for this tenant (cheaper than `modules()`)
    const inactive = new Set(ids.filter((id) => !this.child.has(id)));
    if (inactive.size > 0) {
      // what requires an inactive module cannot be validated, let alone built: leave it out
      const blocked = catalog.dependentsWithin(inactive, ids);
      const why = `needs ${[...inactive].join(", ")}, inactive for this tenant`;
      for (const id of blocked) (this.blocked ??= new Map()).set(id, why);
      if (blocked.length > 0) await this.child.unload(blocked);
      for (const id of blocked) this.loaded.delete(id);
    }
    const stop = this.child.on("failed", (failure) => this.failures.push(failure));
    try {
      await this.child.start({ isolateFailures: isolate });
    } finally {
      stop();
    }
  }

  /**
   * Adds modules to the running child and builds them in load order, rebuilding `rebuild`
   * (already loaded) with them; on any failure everything is put back as it was and the
   * error is thrown.
   */
  async add(catalog: Catalog, ids: readonly string[], rebuild: readonly string[]): Promise<void> {
    if (rebuild.length > 0) await this.child.unload(rebuild);
    const all = catalog.loadOrder([...ids, ...rebuild]);
    try {
      this.child.load(catalog.manifestOf(all));
    } catch (error) {
      await this.restore(catalog, rebuild);
      throw error;
    }
    try {
      await this.build(catalog, all);
    } catch (error) {
      await this.child.unload(all).catch(() => undefined);
      await this.restore(catalog, rebuild);
      throw error;
    }
    for (const id of all) this.loaded.add(id);
  }

  /** Disposes and removes modules (and rebuilds `rebuild`, which optionally used them). Dispose failures are returned. */
  async remove(catalog: Catalog, ids: readonly string[], rebuild: readonly string[]): Promise<unknown[]> {
    const problems: unknown[] = [];
    const present = [...ids, ...rebuild].filter((id) => this.loaded.has(id));
    await this.child.unload(present).catch((error: unknown) => problems.push(error));
    for (const id of ids) {
      this.loaded.delete(id);
      this.blocked?.delete(id);
    }
    for (const id of rebuild) this.loaded.delete(id);
    await this.restore(catalog, rebuild).catch((error: unknown) => problems.push(error));
    return problems;
  }

  /** Loads and builds modules again after a rolled-back change; failures stay `failed`. */
  private async restore(catalog: Catalog, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const order = catalog.loadOrder(ids);
    this.child.load(catalog.manifestOf(order));
    for (const id of order) this.loaded.add(id);
    await this.build(catalog, order).catch(() => undefined);
  }

  /** Builds the active singletons of `order` (lazy and factory modules are built when used). */
  private async build(catalog: Catalog, order: readonly string[]): Promise<void> {
    for (const id of order) {
      const scope = catalog.record(id).scope ?? "singleton";
      if (scope === "singleton" && this.child.has(id)) await this.child.resolve(id);
    }
  }

  /** The modules that failed during `start`, once. */
  takeFailures(): readonly { readonly id: string; readonly error: unknown }[] {
    const taken = this.failures;
    this.failures = [];
    return taken;
  }

  isLoaded(id: string): boolean {
    return this.loaded.has(id);
  }

  /** Loaded modules, sorted. */
  loadedIds(): string[] {
    return [...this.loaded].sort(compareIds);
  }

  states(): TenantModuleInfo[] {
    const info = new Map(this.child.modules().map((m) => [m.id, m]));
    return this.enabled.map((id): TenantModuleInfo => {
      const blocked = this.blocked?.get(id);
      const m = this.loaded.has(id) ? info.get(id) : undefined;
      if (m === undefined) {
        return { id, version: "0.0.0", state: "skipped", reason: blocked ?? "not in the app's catalogue" };
      }
      const base = { id, version: m.version };
      if (!m.active)
        return { ...base, state: "inactive", ...(m.inactiveReason && { reason: m.inactiveReason }) };
      if (m.state === "failed" || m.state === "skipped") return { ...base, state: m.state, error: m.error };
      return { ...base, state: m.state === "ready" ? "ready" : "pending" };
    });
  }

  /** The instance of an enabled module (or anything else the tenant's container has). */
  get(key: Parameters<Container["get"]>[0], enabledAsked: string | undefined): unknown {
    if (enabledAsked !== undefined && !this.enabled.includes(enabledAsked)) {
      throw new ModuleRegistryError(
        "MODULE_NOT_ENABLED",
        `module "${enabledAsked}" is not enabled for tenant "${this.tenantId}": \`await tenants.enable("${this.tenantId}", "${enabledAsked}")\` first.`,
        { moduleId: enabledAsked },
      );
    }
    return this.child.get(key as never);
  }

  dispose(): Promise<void> {
    return this.child.dispose();
  }
}

/** The flags that count as features for `when.feature`: those that are `true`. */
export function featuresOf(flags: Readonly<Record<string, FlagValue>>): string[] {
  return Object.keys(flags).filter((flag) => flags[flag] === true);
}
