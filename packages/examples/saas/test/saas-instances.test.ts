/**
 * The SaaS example as deployed: two instances of `src/main.ts` (two Node processes, the README's
 * command with DATABASE_URL and REDIS_URL) sharing one real Postgres and one real redis-server,
 * both started here. An admin change on one instance is served by the other; killing Redis
 * mid-traffic fails no request; restarting it brings the instances back in step.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startPostgres,
  startRedis,
  type PostgresServer,
  type RedisServer,
} from "../../../../test/support/servers.js";
import { request } from "./http.js";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));

interface Instance {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** Starts `src/main.ts` with the example's environment and resolves once it listens. */
function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: exampleDir,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start:\n${output}`)), 30_000);
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ url, child, output: () => output });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the example exited with ${code}:\n${output}`));
    });
  });
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (instance === undefined || instance.child.exitCode !== null) return;
  const exited = new Promise((r) => instance.child.once("exit", r));
  instance.child.kill("SIGTERM");
  await exited;
}

const call = (instance: Instance, method: string, path: string, tenant?: string, body?: unknown) =>
  request(instance.url, method, path, tenant, body);

/** Milliseconds until `check` holds, polling every 5 ms; throws after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - start;
}

const redisAvailable = async (instance: Instance): Promise<boolean> => {
  const stats = (await call(instance, "GET", "/admin/stats")).body as {
    flags?: { redis: { available: boolean } };
  };
  return stats.flags?.redis.available === true;
};

let pg: PostgresServer;
let redis: RedisServer;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const env = { DATABASE_URL: pg.url, REDIS_URL: redis.url };
  a = await startInstance(env); // creates the demo tenants in Postgres
  b = await startInstance(env); // finds them there
  expect(a.output()).toMatch(/store: postgres, flags: memory \+ redis/);
}, 90_000);

afterAll(async () => {
  await Promise.all([stopInstance(a), stopInstance(b)]);
  await redis?.stop();
  await pg?.stop();
});

describe("two instances of the SaaS example over one Postgres and one Redis", () => {
  it("serve the same tenants, and an admin change on one is served by the other", async () => {
    for (const instance of [a, b]) {
      expect((await call(instance, "GET", "/api/hr/employees", "acme")).status).toBe(200);
      expect((await call(instance, "GET", "/api/clinic/appointments", "globex")).status).toBe(404);
    }
    const enabled = await call(a, "POST", "/admin/tenants/globex/modules/clinic?withDependencies=true");
    expect(enabled.body).toEqual({ enabled: ["hr-core", "clinic"] });
    const enableMs = await until(
      async () => (await call(b, "GET", "/api/clinic/appointments", "globex")).status === 200,
      5_000,
    );

    expect((await call(b, "GET", "/reports/advanced", "globex")).status).toBe(403);
    await call(b, "PATCH", "/admin/tenants/globex/flags", undefined, { "advanced-reporting": true });
    const flagMs = await until(
      async () => (await call(a, "GET", "/reports/advanced", "globex")).status === 200,
      5_000,
    );

    await call(b, "DELETE", "/admin/tenants/globex/modules/hr-core?withDependents=true");
    await until(async () => (await call(a, "GET", "/api/hr/employees", "globex")).status === 404, 5_000);
    console.log(
      `SaaS example, two instances: an enable on A served by B after ${enableMs.toFixed(1)} ms, a flag patch on B served by A after ${flagMs.toFixed(1)} ms`,
    );
  });

  it("fails no request while redis-server is killed, and follows changes again once it is back", async () => {
    const failures: string[] = [];
    let requests = 0;
    let running = true;
    const expectStatus = async (instance: Instance, path: string, status: number) => {
      try {
        const result = await call(instance, "GET", path, "acme");
        if (result.status !== status)
          failures.push(`${path}: ${result.status} ${JSON.stringify(result.body)}`);
      } catch (error) {
        failures.push(`${path}: ${String(error)}`);
      }
      requests++;
    };
    const traffic = (async () => {
      while (running) {
        await Promise.all(
          [a, b].flatMap((instance) => [
            expectStatus(instance, "/api/hr/employees", 200),
            expectStatus(instance, "/reports/advanced", 200),
          ]),
        );
      }
    })();

    await new Promise((r) => setTimeout(r, 200));
    await redis.kill();
    await until(async () => !(await redisAvailable(a)) && !(await redisAvailable(b)), 10_000);
    // Postgres still takes admin changes during the outage.
    expect((await call(a, "POST", "/admin/tenants/acme/modules/tasks")).body).toEqual({ enabled: ["tasks"] });
    expect((await call(a, "GET", "/api/tasks", "acme")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));

    await redis.restart();
    await until(async () => (await redisAvailable(a)) && (await redisAvailable(b)), 15_000);
    // A re-announces what it changed while Redis was down: B follows without a restart.
    const caughtUpMs = await until(
      async () => (await call(b, "GET", "/api/tasks", "acme")).status === 200,
      10_000,
    );
    await call(a, "PATCH", "/admin/tenants/acme/flags", undefined, { "bulk-import": true });
    await until(async () => (await call(b, "POST", "/api/tasks/bulk", "acme")).status === 201, 5_000);

    running = false;
    await traffic;
    console.log(
      `SaaS example, Redis killed and restarted: ${requests} requests, ${failures.length} failed; B served A's outage-time enable ${caughtUpMs.toFixed(0)} ms after both saw Redis back`,
    );
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
  }, 60_000);
});

describe("the SaaS example with its embedded defaults", () => {
  it("runs with no server at all: memory store, flags in memory", async () => {
    const embedded = await startInstance({ DATABASE_URL: "", REDIS_URL: "" });
    try {
      expect(embedded.output()).toMatch(/store: memory, flags: memory\)/);
      expect((await call(embedded, "GET", "/api/clinic/appointments", "acme")).status).toBe(200);
      await call(embedded, "POST", "/admin/tenants/globex/modules/clinic?withDependencies=true");
      expect((await call(embedded, "GET", "/api/clinic/appointments", "globex")).status).toBe(200);
    } finally {
      await stopInstance(embedded);
    }
  });
});
