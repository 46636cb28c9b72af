/**
 * Disposing what a container built: the tracked instances in build order, the callers
 * waiting on a build (interrupted when disposal begins), and the one disposal that
 * disposes everything in reverse order — or, for `unload`, some of it. A build that
 * finishes after disposal began disposes its instance itself.
 */
import { disposeFailed } from "./build-errors.js";
import type { ModuleRegistryError } from "./errors.js";
import type { EventHub } from "./events.js";
import type { ModuleNode } from "./node.js";
import { disposeInstance } from "./phases.js";
import { isThenable, withTimeout } from "./timeouts.js";

const ignore = (): void => undefined;

/** What the disposal needs from its container. */
export interface DisposalHost {
  readonly events: EventHub;
  warn(message: string): void;
  /** The timeout of `node`'s `onInit` and `onDispose`, if any. */
  timeoutOf(node: ModuleNode): number | undefined;
}

export class Disposal {
  /** Tracked instances in build order; disposed in reverse. */
  readonly built: ModuleNode[] = [];
  /** Modules whose async `onInit` is in flight (made by the first: most containers have none). */
  private inflight: Set<ModuleNode> | undefined;
  /** Callers waiting on a build, interrupted with `CONTAINER_DISPOSED` when disposal begins. */
  private aborts: Set<() => void> | undefined;
  /** The one disposal, once begun; resolves to the dispose failures. */
  private begun: Promise<ModuleRegistryError[]> | undefined;
  /** Disposal was asked for (`interrupt`): nobody waits on a build any more. */
  closing = false;
  /** The disposal has disposed everything built: a build finishing later disposes itself. */
  private swept = false;

  constructor(private readonly host: DisposalHost) {}

  /** `node`'s async `onInit` is in flight until `building` settles (the sweep waits for a bounded one). */
  track(node: ModuleNode, building: Promise<unknown>): void {
    const inflight = (this.inflight ??= new Set());
    inflight.add(node);
    const done = (): void => {
      node.building = undefined;
      inflight.delete(node);
    };
    building.then(done, done);
  }

  /** `pending`, unless disposal is asked for first: then `disposed()`'s error. */
  until<T>(pending: PromiseLike<T>, disposed: () => ModuleRegistryError): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const abort = (): void => reject(disposed());
      const aborts = (this.aborts ??= new Set());
      aborts.add(abort);
      pending.then(
        (value) => {
          aborts.delete(abort);
          resolve(value);
        },
        (error: unknown) => {
          aborts.delete(abort);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the build's own error, as thrown
          reject(error);
        },
      );
    });
  }

  /**
   * Disposal has been asked for: callers waiting on a build get `CONTAINER_DISPOSED` now, and
   * so does every later wait, while the shutdown phase still sees the built instances.
   */
  interrupt(): void {
    this.closing = true;
    const aborts = this.aborts;
    this.aborts = undefined;
    for (const abort of aborts ?? []) abort();
  }

  /**
   * Begins the one disposal (again: the same one): every built module is disposed in reverse
   * build order. An `onInit` in flight is waited for only when a timeout bounds it; one that
   * finishes later disposes its instance itself. Resolves to the dispose failures.
   */
  begin(): Promise<ModuleRegistryError[]> {
    if (this.begun !== undefined) return this.begun;
    this.interrupt();
    this.begun = this.sweep();
    return this.begun;
  }

  /** A module whose build finished after disposal began: disposed with the rest, or now. */
  adoptLate(node: ModuleNode, instance: unknown): void {
    node.state = "disposed";
    node.instance = undefined;
    if (node.external) return;
    if (this.swept) {
      this.disposeLate(node, instance);
      return;
    }
    node.instance = instance;
    this.built.push(node);
  }

  /** Disposes an instance nobody will use (built too late), reporting failures as warnings. */
  disposeLate(node: ModuleNode, instance: unknown): void {
    Promise.resolve()
      .then(() => this.runDispose(node, instance))
      .then(
        () => this.host.events.emit("disposed", { id: node.id }),
        (error: unknown) => this.host.warn(disposeFailed(node, error).message),
      );
  }

  /**
   * Disposes some built modules (`unload`) in reverse build order, the container staying
   * alive; adds the dispose failures to `failures`.
   */
  async disposeSome(which: ReadonlySet<ModuleNode>, failures: ModuleRegistryError[]): Promise<void> {
    const doomed = this.built.filter((node) => which.has(node));
    const kept = this.built.filter((node) => !which.has(node));
    this.built.splice(0, this.built.length, ...kept);
    for (const node of doomed.reverse()) await this.disposeOne(node, failures);
  }

  private async sweep(): Promise<ModuleRegistryError[]> {
    const bounded: Promise<void>[] = [];
    for (const node of this.inflight ?? []) {
      if (node.building !== undefined && this.host.timeoutOf(node) !== undefined)
        bounded.push(node.building.then(ignore, ignore));
    }
    if (bounded.length > 0) await Promise.all(bounded);
    const failures: ModuleRegistryError[] = [];
    for (;;) {
      const node = this.built.pop();
      if (node === undefined) break;
      await this.disposeOne(node, failures);
    }
    // Set in the same turn as the last check of `built`: a later build disposes itself.
    this.swept = true;
    return failures;
  }

  private async disposeOne(node: ModuleNode, failures: ModuleRegistryError[]): Promise<void> {
    try {
      const pending = this.runDispose(node, node.instance);
      if (pending !== undefined) await pending;
    } catch (error) {
      failures.push(disposeFailed(node, error));
    }
    node.state = "disposed";
    node.instance = undefined;
    this.host.events.emit("disposed", { id: node.id });
  }

  /** Disposes an instance (see `disposeInstance`); a promise when its hook returned one. */
  private runDispose(node: ModuleNode, instance: unknown): Promise<unknown> | undefined {
    const result = disposeInstance(node.def, instance);
    if (!isThenable(result)) return undefined;
    const ms = this.host.timeoutOf(node);
    return ms === undefined
      ? Promise.resolve(result)
      : withTimeout(result, ms, `onDispose of module "${node.id}"`);
  }
}
