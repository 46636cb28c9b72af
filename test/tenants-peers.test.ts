// @modreg/tenants from its packed tarball in a CommonJS app outside the repository, with its
// optional peers installed for real (`redis`, `pg`, `express`, `@openfeature/server-sdk`, at
// the versions the workspace tests with): every entry is `require`d (and resolves to
// dist/cjs), and the app runs against a real redis-server and a real Postgres — a host over a
// core container, a module enabled, a flag read through the OpenFeature provider, guarded
// requests served by Express. Then tsc checks the same imports from a CommonJS and an ES file:
// each gets the types of its own build. (Without any peer: test/packed.test.ts.)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installOutside, pack } from "./support/outside.js";
import { describeRun, node, repoRoot, run } from "./support/run.js";
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from "./support/servers.js";
import { TENANT_APP_MODULES } from "./support/tenant-app.js";

const tenantsManifest = JSON.parse(
  readFileSync(join(repoRoot, "packages", "tenants", "package.json"), "utf8"),
) as { devDependencies: Record<string, string> };
const rootManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
};
/** The version the workspace tests with (its lockfile pins these exact versions). */
const tested = (name: string): string => {
  const version = tenantsManifest.devDependencies[name] ?? rootManifest.devDependencies[name];
  if (version === undefined) throw new Error(`no tested version of ${name}`);
  return version;
};

const app = `"use strict";
const core = require("@modreg/core");
const tenants = require("@modreg/tenants");
const { moduleGuard, requireFeature } = require("@modreg/tenants/express");
const { ModregFlagProvider } = require("@modreg/tenants/openfeature");
const { createPostgresStore } = require("@modreg/tenants/postgres");
const { OpenFeature } = require("@openfeature/server-sdk");
const express = require("express");

${TENANT_APP_MODULES}

async function main() {
  const entries = ["", "/express", "/openfeature", "/postgres"].map((e) => "@modreg/tenants" + e);
  console.log(entries.every((e) => require.resolve(e).includes("/dist/cjs/")));

  const store = createPostgresStore({ connectionString: process.env.DATABASE_URL });
  const flags = tenants.createFlags({ store, redis: process.env.REDIS_URL, onWarning: console.error });
  await flags.ready();
  const app = core.createContainer(manifest);
  await app.start();
  const host = tenants.createTenantHost(app, { store, flags });
  await host.create("acme", { flags: { reports: true } });
  await host.create("globex", { flags: { reports: true } });
  await host.load("acme");
  await host.enable("acme", "tasks");
  const tasks = host.get("acme", Tasks);
  console.log(host.isEnabled("acme", "tasks"), tasks.tenant.tenantId, tasks.db === app.get(Database));
  console.log(JSON.stringify((await store.read("acme")).modules));

  await OpenFeature.setProviderAndWait(new ModregFlagProvider(flags));
  const client = OpenFeature.getClient();
  const details = await client.getBooleanDetails("reports", false, { targetingKey: "acme" });
  const missing = await client.getBooleanDetails("nope", false, { targetingKey: "acme" });
  console.log(details.value, details.reason, missing.errorCode);

  const web = express();
  web.get("/tasks", moduleGuard(host, "tasks"), requireFeature(flags, "reports"), (_req, res) => {
    res.json({ tenant: res.locals.tenantId, tasks: host.get(res.locals.tenantId, Tasks) === tasks });
  });
  const server = await new Promise((resolve) => { const s = web.listen(0, "127.0.0.1", () => resolve(s)); });
  const url = "http://127.0.0.1:" + server.address().port + "/tasks";
  for (const tenant of ["acme", "globex"]) {
    const response = await fetch(url, { headers: { "x-tenant-id": tenant } });
    console.log(response.status, JSON.stringify(await response.json()));
  }
  const stats = flags.stats();
  console.log(stats.redis.available, stats.redis.hits + stats.redis.misses > 0);

  await new Promise((resolve) => server.close(resolve));
  await OpenFeature.close();
  await host.dispose();
  await app.dispose();
  await flags.close();
  await store.close();
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

// The same imports type-checked from CommonJS (check.cts: `require` condition) and ESM (check.mts: `import`).
const typed = `import { createFlags, createMemoryStore, createTenantHost, type TenantHost } from "@modreg/tenants";
import { moduleGuard, requireFeature } from "@modreg/tenants/express";
import { ModregFlagProvider } from "@modreg/tenants/openfeature";
import { createPostgresStore } from "@modreg/tenants/postgres";
import { createContainer } from "@modreg/core";

export function wire(): unknown[] {
  const store = createMemoryStore();
  const host: TenantHost = createTenantHost(createContainer({ formatVersion: 1, modules: [] }), { store });
  const flags = createFlags({ store });
  const provider: ModregFlagProvider = new ModregFlagProvider(flags);
  const enabled: Promise<boolean> = flags.isEnabled("acme", "reports");
  return [moduleGuard(host, "tasks"), requireFeature(flags, "reports"), provider.metadata.name, enabled, createPostgresStore];
}
`;

describe("@modreg/tenants in a CommonJS app with its peers installed", () => {
  let dir = "";
  let redis: RedisServer | undefined;
  let postgres: PostgresServer | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "modreg-tenants-peers-"));
    const core = pack("packages/core", dir);
    const tenants = pack("packages/tenants", dir);
    const peers = ["redis", "pg", "express", "@openfeature/server-sdk", "@openfeature/core"];
    const types = ["typescript", "@types/node", "@types/express", "@types/pg"];
    [redis, postgres] = await Promise.all([
      startRedis(),
      startPostgres(),
      installOutside({
        dir,
        type: "commonjs",
        dependencies: {
          "@modreg/core": `file:./${core}`,
          "@modreg/tenants": `file:./${tenants}`,
          ...Object.fromEntries(peers.map((p) => [p, tested(p)])),
        },
        devDependencies: Object.fromEntries(types.map((t) => [t, tested(t)])),
      }),
    ]);
    writeFileSync(join(dir, "main.js"), app);
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "check.cts"), typed);
    writeFileSync(join(dir, "src", "check.mts"), typed);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: ["node"],
        },
        include: ["src"],
      }),
    );
  }, 300_000);
  afterAll(async () => {
    await redis?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("requires every entry and runs: host, enable, a flag through OpenFeature, guarded requests (real Redis and Postgres)", () => {
    // pnpm's NODE_PATH (set for the test runner) would let require() find the workspace's copies
    const result = node("main.js", [], {
      cwd: dir,
      env: { NODE_PATH: "", REDIS_URL: redis!.url, DATABASE_URL: postgres!.url },
      timeoutMs: 60_000,
    });
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stderr, describeRun(result)).toBe("");
    expect(result.stdout.trim().split("\n")).toEqual([
      "true",
      "true acme true",
      '["tasks"]',
      "true TARGETING_MATCH FLAG_NOT_FOUND",
      '200 {"tenant":"acme","tasks":true}',
      `403 {"code":"MODULE_NOT_ENABLED","message":"MODULE_NOT_ENABLED: module \\"tasks\\" is not enabled for tenant \\"globex\\"."}`,
      "true true",
    ]);
  }, 120_000);

  it("type-checks the entries from CommonJS and from ESM, each with the types of its build", () => {
    const checked = run(join(dir, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json", "--explainFiles"], {
      cwd: dir,
    });
    expect(checked.status, describeRun(checked)).toBe(0);
    const files = checked.stdout.split("\n").filter((line) => line.includes("node_modules/@modreg/tenants/"));
    for (const entry of ["index", "express", "openfeature", "postgres/index"]) {
      const esm = entry === "openfeature" ? "openfeature" : entry;
      const cjs = entry === "openfeature" ? "openfeature-require" : entry;
      expect(files, entry).toContainEqual(
        expect.stringMatching(new RegExp(`@modreg/tenants/dist/${esm}\\.d\\.ts$`)),
      );
      expect(files, entry).toContainEqual(
        expect.stringMatching(new RegExp(`@modreg/tenants/dist/cjs/${cjs}\\.d\\.ts$`)),
      );
    }
  }, 120_000);
});
