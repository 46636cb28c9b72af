/**
 * Real servers for tests: a `redis-server` and a Postgres cluster, each started on a free port
 * in its own temp directory and stopped by the test that started it (call `stop()` in
 * `afterAll`). No mocks: the Debian packages `redis-server` and `postgresql` provide the
 * binaries (`.ci/run` installs them when missing).
 *
 * @example
 * let redis: RedisServer;
 * beforeAll(async () => { redis = await startRedis(); });
 * afterAll(() => redis.stop());
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/** Resolves once something accepts TCP connections on `port`, or rejects after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
      socket.connect(port, "127.0.0.1");
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms: ${why()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---------------------------------------------------------------------------------------------
// Redis

const REDIS_SERVER = "/usr/bin/redis-server";

/** A running `redis-server`; `kill()` and `restart()` simulate an outage on the same port. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGKILL: the server vanishes mid-connection, as in a crash. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open but nothing answers, as in a hung server. */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port (empty: it saves nothing). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/** True when `redis-server` is installed. */
export function hasRedis(): boolean {
  return existsSync(REDIS_SERVER);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts a `redis-server` on a free port with persistence off. */
export async function startRedis(): Promise<RedisServer> {
  if (!hasRedis()) throw new Error(`${REDIS_SERVER} is missing: apt-get install redis-server`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "modreg-redis-"));
  let child: ChildProcess | undefined;
  let output = "";
  const launch = async (): Promise<void> => {
    output = "";
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ];
    const started = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    started.stdout.on("data", (d: Buffer) => (output += d.toString()));
    started.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child = started;
    await waitForPort(port, 10_000, () => output);
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    child = undefined;
    if (current === undefined) return;
    current.kill(signal);
    await exited(current);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => halt("SIGKILL"),
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    restart: async () => {
      await halt("SIGKILL");
      await launch();
    },
    stop: async () => {
      await halt("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Postgres

/** The directory holding `initdb`, `pg_ctl` and `postgres`, or undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

/** True when a Postgres server is installed. */
export function hasPostgres(): boolean {
  return postgresBinDir() !== undefined;
}

/** A running Postgres cluster with trust authentication for user `postgres`. */
export interface PostgresServer {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /** Stops it (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * initdb, pg_ctl and postgres refuse to run as root: as root they run as the `postgres`
 * user through `runuser`, in a directory that user owns.
 */
function asPostgres(command: string, args: readonly string[]): string[] {
  return process.getuid?.() === 0
    ? ["runuser", "-u", "postgres", "--", command, ...args]
    : [command, ...args];
}

function runChecked(argv: readonly string[]): void {
  const [command, ...args] = argv;
  const result = spawnSync(command ?? "", args, { encoding: "utf8", timeout: 60_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${argv.join(" ")} exited with ${result.status}:\n${result.stdout}${result.stderr}`);
  }
}

function postgresUid(): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** Creates a fresh cluster in a temp directory and starts it on a free port (TCP and a socket in that directory). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error("no Postgres under /usr/lib/postgresql: apt-get install postgresql");
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "modreg-pg-"));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUid();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  runChecked(
    asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]),
  );
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  runChecked(
    asPostgres(join(bin, "pg_ctl"), [
      "-D",
      data,
      "-o",
      settings,
      "-l",
      join(dir, "log"),
      "-w",
      "-t",
      "60",
      "start",
    ]),
  );
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        runChecked(asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}
