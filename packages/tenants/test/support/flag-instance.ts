/**
 * One app instance for the multi-process tests: a flag service over Postgres and Redis in its
 * own Node process, driven by its parent over IPC (`child_process.fork`).
 *   parent -> { id, op: "isEnabled" | "update" | "stats" | "close", tenantId?, flag?, patch? }
 *   child  -> { id, ok: true, value } | { id, ok: false, code, message }
 *           | { event: "change", tenantId, at, value } (at: wall clock in ms, sub-ms precision)
 *           | { event: "warning", message } | { event: "ready" }
 */
import { ModuleRegistryError } from "@modreg/core";
import { createFlags, type FlagPatch } from "../../src/index.js";
import { createPostgresStore } from "../../src/postgres/index.js";

interface Request {
  readonly id: number;
  readonly op: "isEnabled" | "update" | "stats" | "close";
  readonly tenantId?: string;
  readonly flag?: string;
  readonly patch?: FlagPatch;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const send = (message: unknown): void => void process.send?.(message);
const now = (): number => performance.timeOrigin + performance.now();

const store = createPostgresStore({ connectionString: env("PG_URL"), table: env("PG_TABLE") });
const flags = createFlags({
  store,
  redis: env("REDIS_URL"),
  channel: env("CHANNEL"),
  redisKeyPrefix: `${env("CHANNEL")}:`,
  memoryTtlMs: Number(env("MEMORY_TTL_MS")),
  onWarning: (message) => send({ event: "warning", message }),
});
const watched = env("WATCH_FLAG");
flags.onChange((tenantId) => {
  void flags
    .isEnabled(tenantId, watched)
    .then((value) => send({ event: "change", tenantId, at: now(), value }));
});

async function handle(request: Request): Promise<unknown> {
  const tenantId = request.tenantId ?? "";
  switch (request.op) {
    case "isEnabled":
      return flags.isEnabled(tenantId, request.flag ?? "");
    case "update":
      return flags.update(tenantId, request.patch ?? {}, { create: true });
    case "stats":
      return flags.stats();
    case "close":
      await flags.close();
      await store.close?.();
      setImmediate(() => process.exit(0));
      return true;
  }
}

process.on("message", (request: Request) => {
  handle(request).then(
    (value) => send({ id: request.id, ok: true, value }),
    (error: unknown) =>
      send({
        id: request.id,
        ok: false,
        code: ModuleRegistryError.is(error) ? error.code : "UNCODED",
        message: String(error),
      }),
  );
});

await flags.ready();
send({ event: "ready" });
