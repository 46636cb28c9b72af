/**
 * The parent's side of test/support/flag-instance.ts: starts one app instance (a flag service
 * over Postgres and Redis) in a Node process of its own and drives it over IPC. Used by the
 * multi-process test and by `pnpm bench:flags`.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FlagStats } from "../../src/index.js";

const script = fileURLToPath(new URL("./flag-instance.ts", import.meta.url));

export interface Change {
  readonly tenantId: string;
  readonly at: number;
  readonly value: boolean;
}

export class Instance {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly changes: Change[] = [];
  readonly warnings: string[] = [];
  private readonly changeWaiters: ((c: Change) => void)[] = [];
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    let markReady: () => void = () => undefined;
    this.ready = new Promise((r) => (markReady = r));
    child.on("message", (m: Record<string, unknown>) => {
      if (m["event"] === "ready") markReady();
      else if (m["event"] === "warning") this.warnings.push(String(m["message"]));
      else if (m["event"] === "change") {
        const change = m as unknown as Change;
        this.changes.push(change);
        for (const waiter of this.changeWaiters.splice(0)) waiter(change);
      } else {
        const waiter = this.pending.get(m["id"] as number);
        this.pending.delete(m["id"] as number);
        if (m["ok"] === true) waiter?.resolve(m["value"]);
        else waiter?.reject(new Error(`${String(m["code"])}: ${String(m["message"])}`));
      }
    });
  }

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, ...args });
    });
  }

  isEnabled(flag: string): Promise<boolean> {
    return this.call("isEnabled", { tenantId: "acme", flag });
  }

  update(patch: Record<string, boolean>): Promise<unknown> {
    return this.call("update", { tenantId: "acme", patch });
  }

  stats(): Promise<FlagStats> {
    return this.call("stats");
  }

  nextChange(): Promise<Change> {
    return new Promise((r) => this.changeWaiters.push(r));
  }
}

export interface InstanceSettings {
  readonly postgresUrl: string;
  readonly table: string;
  readonly redisUrl: string;
  readonly channel: string;
  readonly memoryTtlMs: number;
  /** The flag each `change` event reports the new value of. */
  readonly watchFlag: string;
}

/** Forks one instance (under tsx); `await instance.ready` before using it. */
export function startInstance(settings: InstanceSettings): Instance {
  const child = fork(script, [], {
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      PG_URL: settings.postgresUrl,
      PG_TABLE: settings.table,
      REDIS_URL: settings.redisUrl,
      CHANNEL: settings.channel,
      MEMORY_TTL_MS: String(settings.memoryTtlMs),
      WATCH_FLAG: settings.watchFlag,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Instance(child);
}

/** Closes the instance's flag service and store, and waits for its process to exit. */
export async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (instance === undefined) return;
  const exited = new Promise((r) => instance.child.once("exit", r));
  await instance.call("close").catch(() => instance.child.kill());
  await exited;
}

/** Wall-clock ms with sub-ms precision, comparable across processes (the instances' `at`). */
export const wallNow = (): number => performance.timeOrigin + performance.now();
