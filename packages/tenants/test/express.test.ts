import type { AddressInfo } from "node:net";
import { type Server, get as httpGet } from "node:http";
import express, { type Router } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStore, createTenantHost } from "../src/index.js";
import { moduleGuard, requireFeature, tenantRoutes } from "../src/express.js";
import { Tasks, startedApp } from "./support/modules.js";

// Tasks contributes routes; the class in the shared support has none, so add them here.
(Tasks.prototype as unknown as { routes(r: Router): void }).routes = function (this: Tasks, router: Router) {
  router.get("/tasks", (_req, res) => {
    res.json({ tenant: this.tenant.tenantId, tasks: ["write report"] });
  });
};

let server: Server;
let base: string;
const flagsOf = new Map<string, Set<string>>([["acme", new Set(["advanced-reporting"])]]);
const flags = {
  isEnabled: (tenantId: string, flag: string) => Promise.resolve(flagsOf.get(tenantId)?.has(flag) === true),
};

beforeAll(async () => {
  const app = await startedApp();
  const tenants = createTenantHost(app, {
    store: createMemoryStore({ acme: { modules: ["tasks"] }, globex: { modules: ["hr-core"] } }),
    onWarning: () => undefined,
  });
  const web = express();
  web.get("/guarded", moduleGuard(tenants, "tasks"), (_req, res) => {
    res.json({ ok: true, tenant: res.locals["tenantId"] as string });
  });
  web.get("/by-subdomain", moduleGuard(tenants, "tasks", { tenant: "subdomain" }), (_req, res) => {
    res.json({ ok: true });
  });
  // a resolver function, sync or async (here: the tenant in the path, or in a query parameter)
  web.get(
    "/t/:tenant/guarded",
    moduleGuard(tenants, "tasks", { tenant: (req) => req.params["tenant"] as string | undefined }),
    (_req, res) => {
      res.json({ ok: true, tenant: res.locals["tenantId"] as string });
    },
  );
  const fromQuery = (req: express.Request) => Promise.resolve(req.query["tenant"] as string | undefined);
  web.get("/q/report", requireFeature(flags, "advanced-reporting", { tenant: fromQuery }), (_req, res) => {
    res.json({ report: true });
  });
  web.get("/report", requireFeature(flags, "advanced-reporting"), (_req, res) => {
    res.json({ report: true });
  });
  web.use("/api", tenantRoutes(tenants));
  web.post("/admin/:tenant/enable/:module", (req, res) => {
    tenants.enable(req.params.tenant, req.params.module).then(
      (enabled) => res.json({ enabled }),
      (error: { code: string; message: string }) =>
        res.status(409).json({ code: error.code, message: error.message }),
    );
  });
  await new Promise<void>((resolve) => {
    server = web.listen(0, "127.0.0.1", () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(base + path, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** `fetch` may not set Host; node:http can. */
const statusWithHost = (path: string, host: string) =>
  new Promise<number>((resolve, reject) => {
    httpGet(base + path, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on("error", reject);
  });

describe("moduleGuard", () => {
  it("lets a tenant with the module through and refuses one without it with 403 JSON", async () => {
    expect(await get("/guarded", { "x-tenant-id": "acme" })).toEqual({
      status: 200,
      body: { ok: true, tenant: "acme" },
    });
    const refused = await get("/guarded", { "x-tenant-id": "globex" });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: "MODULE_NOT_ENABLED" });
    expect(refused.body["message"]).toMatch(/"tasks".*"globex"/);
  });

  it("answers 404 for an unknown tenant and 400 without one; reads the subdomain when asked", async () => {
    expect((await get("/guarded", { "x-tenant-id": "nobody" })).body).toMatchObject({
      code: "TENANT_NOT_FOUND",
    });
    expect((await get("/guarded")).status).toBe(400);
    expect(await statusWithHost("/by-subdomain", "acme.example.test")).toBe(200);
    expect(await statusWithHost("/by-subdomain", "globex.example.test")).toBe(403);
  });

  it("takes the tenant from a resolver function, synchronous or asynchronous", async () => {
    expect(await get("/t/acme/guarded")).toEqual({ status: 200, body: { ok: true, tenant: "acme" } });
    expect(await get("/t/globex/guarded")).toMatchObject({
      status: 403,
      body: { code: "MODULE_NOT_ENABLED" },
    });
    expect(await get("/q/report?tenant=acme")).toEqual({ status: 200, body: { report: true } });
    expect(await get("/q/report?tenant=globex")).toMatchObject({
      status: 403,
      body: { code: "FEATURE_DISABLED" },
    });
    expect((await get("/q/report")).status).toBe(400);
  });
});

describe("requireFeature", () => {
  it("refuses a tenant whose flag is off with 403 FEATURE_DISABLED", async () => {
    expect((await get("/report", { "x-tenant-id": "acme" })).status).toBe(200);
    const refused = await get("/report", { "x-tenant-id": "globex" });
    expect(refused).toMatchObject({ status: 403, body: { code: "FEATURE_DISABLED" } });
  });
});

describe("tenantRoutes", () => {
  it("mounts a module's routes only for tenants that enabled it, from the moment they do", async () => {
    expect(await get("/api/tasks", { "x-tenant-id": "acme" })).toEqual({
      status: 200,
      body: { tenant: "acme", tasks: ["write report"] },
    });
    const before = await fetch(`${base}/api/tasks`, { headers: { "x-tenant-id": "globex" } });
    expect(before.status).toBe(404);
    const enabled = await fetch(`${base}/admin/globex/enable/tasks`, { method: "POST" });
    expect(await enabled.json()).toEqual({ enabled: ["tasks"] });
    expect((await get("/api/tasks", { "x-tenant-id": "globex" })).body).toMatchObject({ tenant: "globex" });
  });
});
