/**
 * Application phases: `onReady()` once every module `start()` built is initialized (load
 * order), `onShutdown()` before any module is disposed (reverse order). A provider's hooks
 * of the same names get its value.
 */
import { loadFailed } from "./build-errors.js";
import { ModuleRegistryError, describeError } from "./errors.js";
import type { Constructor } from "./manifest.js";
import type { ModuleNode } from "./node.js";
import { isThenable, withTimeout } from "./timeouts.js";

type Phase = "onReady" | "onShutdown";

const ignore = (): void => undefined;

/** Calls the module's hook for `phase`, if it has one; returns what it returned. */
function callPhase(node: ModuleNode, phase: Phase): unknown {
  const { provider } = node.def;
  const instance = node.instance;
  if (provider !== undefined) {
    const hook = (provider.hooks as Partial<Record<Phase, (value: unknown) => unknown>>)[phase];
    return typeof hook === "function" ? hook(instance) : undefined;
  }
  const method = (instance as Partial<Record<Phase, () => unknown>> | null | undefined)?.[phase];
  return typeof method === "function" ? method.call(instance) : undefined;
}

function shutdownFailed(node: ModuleNode, error: unknown): ModuleRegistryError {
  return new ModuleRegistryError(
    "MODULE_DISPOSE_FAILED",
    `module "${node.id}" failed in ${node.def.provider ? "its onShutdown hook" : "onShutdown"}: ${describeError(error)}`,
    { moduleId: node.id, cause: error },
  );
}

/**
 * The app-phase hooks that will never be called: those of factory and scoped modules (only
 * singleton and lazy modules built by `start()` get them). `modreg generate` reports a class's
 * as MR2030, so only hand-written records are checked here for classes; a provider's hooks,
 * which the codegen never reads, always are.
 */
export function uncalledPhaseWarnings(nodes: readonly ModuleNode[]): string[] {
  const warnings: string[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const { def } = node;
    if (def.scope !== "factory" && def.scope !== "scoped") continue;
    if (def.provider === undefined && def.validated) continue;
    const hooks: Partial<Record<Phase, unknown>> | undefined =
      def.provider?.hooks ?? ((def.handle as Constructor).prototype as Partial<Record<Phase, unknown>>);
    for (const phase of ["onReady", "onShutdown"] as const) {
      if (typeof hooks?.[phase] !== "function") continue;
      const instead =
        phase === "onReady" ? "onInit" : def.scope === "scoped" ? "onDispose" : "your own method";
      warnings.push(
        `module "${node.id}" is ${def.scope === "scoped" ? "scoped" : "factory-scoped"}, but has ${phase}: ${phase} is only called for singleton and lazy modules built by start(), never for ${def.scope === "factory" ? "factory instances" : "instances built in a scope"}. ` +
          `Use ${instead} instead, or make it a singleton (MR2030).`,
      );
    }
  }
  return warnings;
}

/** The phases of one container. */
export class AppPhases {
  /** Modules whose `onReady` completed (or that have none), in load order: they get `onShutdown`. */
  private readonly readied: ModuleNode[] = [];
  /** The `onReady` in flight, and whether a timeout bounds it (then the shutdown waits for it). */
  private current: { readonly done: Promise<void>; readonly bounded: boolean } | undefined;
  private shutdownRun: Promise<ModuleRegistryError[]> | undefined;
  private stop: () => void = ignore;
  private readonly stopped = new Promise<void>((resolve) => (this.stop = resolve));

  constructor(
    private readonly timeoutOf: (node: ModuleNode) => number | undefined,
    private readonly disposedError: () => ModuleRegistryError,
  ) {}

  /**
   * Calls `onReady` of the ready modules among `nodes`, in order, awaiting each. A failure is
   * `MODULE_LOAD_FAILED` ("failed in onReady"): thrown, or with `isolate` handed to it and the
   * others go on. Rejects with `CONTAINER_DISPOSED` once the shutdown has begun.
   */
  async ready(
    nodes: readonly ModuleNode[],
    isolate?: (node: ModuleNode, error: ModuleRegistryError) => void,
  ): Promise<void> {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (this.shutdownRun !== undefined) throw this.disposedError();
      if (node.state !== "ready") continue;
      if (node.def.hasReady === false) {
        this.readied.push(node);
        continue;
      }
      try {
        // most modules have no onReady: no promise (and no await) for them
        const pending = this.readyOne(node);
        if (pending !== undefined) await pending;
      } catch (error) {
        if (this.shutdownRun !== undefined) throw this.disposedError();
        const failure = loadFailed(node, node.def.provider ? "its onReady hook" : "onReady", error);
        if (isolate === undefined) throw failure;
        isolate(node, failure);
      }
    }
    if (this.shutdownRun !== undefined) throw this.disposedError();
  }

  /** Calls `node`'s `onReady`; a promise only while an asynchronous one is in flight. */
  private readyOne(node: ModuleNode): Promise<void> | undefined {
    const result = callPhase(node, "onReady");
    if (!isThenable(result)) {
      this.readied.push(node);
      return undefined;
    }
    return this.readyLater(node, result);
  }

  private async readyLater(node: ModuleNode, result: PromiseLike<unknown>): Promise<void> {
    const ms = this.timeoutOf(node);
    const settled =
      ms === undefined ? Promise.resolve(result) : withTimeout(result, ms, `onReady of module "${node.id}"`);
    const done = settled.then(() => void this.readied.push(node));
    this.current = { done: done.then(ignore, ignore), bounded: ms !== undefined };
    try {
      await Promise.race([done, this.stopped.then(() => Promise.reject(this.disposedError()))]);
    } finally {
      this.current = undefined;
    }
  }

  /**
   * The one shutdown phase: stops `ready`, waits for an `onReady` in flight when a timeout
   * bounds it, then calls `onShutdown` of every readied module in reverse order, each
   * awaited (bounded by its timeout); failures do not stop the others. The first caller gets
   * the failures, later ones an empty list once it is over.
   */
  shutdown(): Promise<ModuleRegistryError[]> {
    if (this.shutdownRun !== undefined) return this.shutdownRun.then(() => []);
    const current = this.current;
    this.shutdownRun = (async () => {
      this.stop();
      if (current?.bounded) await current.done;
      return this.shutdownSome(new Set(this.readied));
    })();
    return this.shutdownRun;
  }

  /** `onShutdown` of the readied modules among `which` (`unload`), in reverse order. */
  async shutdownSome(which: ReadonlySet<ModuleNode>): Promise<ModuleRegistryError[]> {
    const doomed = this.readied.filter((node) => which.has(node)).reverse();
    const kept = this.readied.filter((node) => !which.has(node));
    this.readied.splice(0, this.readied.length, ...kept);
    const failures: ModuleRegistryError[] = [];
    for (const node of doomed) {
      try {
        const result = callPhase(node, "onShutdown");
        if (isThenable(result)) {
          const ms = this.timeoutOf(node);
          await (ms === undefined ? result : withTimeout(result, ms, `onShutdown of module "${node.id}"`));
        }
      } catch (error) {
        failures.push(shutdownFailed(node, error));
      }
    }
    return failures;
  }
}
