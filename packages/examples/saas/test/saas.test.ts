import { createMemoryStore } from "@modreg/tenants";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SaasServer, startSaas } from "../src/server.js";
import { request } from "./http.js";

let server: SaasServer;

beforeAll(async () => {
  const store = createMemoryStore({
    acme: { modules: ["hr-core", "clinic", "email-service"], flags: { "advanced-reporting": true } },
    globex: { modules: ["tasks"], flags: { "bulk-import": false } },
  });
  server = await startSaas({ store, log: () => undefined });
});
afterAll(() => server.close());

const call = (method: string, path: string, tenant?: string, body?: unknown) =>
  request(server.url, method, path, tenant, body);

describe("the SaaS example over HTTP", () => {
  it("serves each tenant the routes of the modules it enabled, and no others", async () => {
    expect((await call("GET", "/api/hr/employees", "acme")).body).toEqual({
      tenant: "acme",
      employees: [{ id: 1, name: "Ada (acme)" }],
    });
    const booked = await call("POST", "/api/clinic/appointments?patient=bob", "acme");
    expect(booked).toEqual({ status: 201, body: { patient: "bob", with: "Ada (acme)", confirmed: true } });
    expect((await call("GET", "/api/email/outbox", "acme")).body["outbox"]).toEqual([
      { to: "bob", subject: "[acme] appointment with Ada (acme)" },
    ]);
    expect((await call("GET", "/api/tasks", "globex")).body).toEqual({ tenant: "globex", tasks: [] });
    expect((await call("GET", "/api/clinic/appointments", "globex")).status).toBe(404);
    expect((await call("GET", "/api/tasks", "acme")).status).toBe(404);
    expect((await call("GET", "/api/tasks", "nobody")).body).toMatchObject({ code: "TENANT_NOT_FOUND" });
  });

  it("guards a route with a feature flag and changes flags through the admin API", async () => {
    expect((await call("GET", "/reports/advanced", "acme")).status).toBe(200);
    expect(await call("GET", "/reports/advanced", "globex")).toMatchObject({
      status: 403,
      body: { code: "FEATURE_DISABLED" },
    });
    expect((await call("POST", "/api/tasks/bulk", "globex")).status).toBe(403);
    const patched = await call("PATCH", "/admin/tenants/globex/flags", undefined, {
      "advanced-reporting": true,
      "bulk-import": true,
    });
    expect(patched.body["flags"]).toEqual({ "advanced-reporting": true, "bulk-import": true });
    expect((await call("GET", "/reports/advanced", "globex")).status).toBe(200);
    expect((await call("POST", "/api/tasks/bulk", "globex")).status).toBe(201);
  });

  it("enables and disables modules at run time with the dependency rules", async () => {
    const refused = await call("POST", "/admin/tenants/globex/modules/clinic");
    expect(refused).toMatchObject({
      status: 409,
      body: { code: "MODULE_DEPENDENCY_MISSING", modules: ["hr-core"] },
    });
    const enabled = await call("POST", "/admin/tenants/globex/modules/clinic?withDependencies=true");
    expect(enabled.body).toEqual({ enabled: ["hr-core", "clinic"] });
    expect((await call("POST", "/api/clinic/appointments?patient=eve", "globex")).body).toEqual({
      patient: "eve",
      with: "Ada (globex)",
      confirmed: false,
    });
    const inUse = await call("DELETE", "/admin/tenants/globex/modules/hr-core");
    expect(inUse).toMatchObject({ status: 409, body: { code: "MODULE_IN_USE", modules: ["clinic"] } });
    const disabled = await call("DELETE", "/admin/tenants/globex/modules/hr-core?withDependents=true");
    expect(disabled.body).toEqual({ disabled: ["clinic", "hr-core"] });
    expect((await call("GET", "/api/clinic/appointments", "globex")).status).toBe(404);
    const state = await call("GET", "/admin/tenants/globex");
    expect(state.body["modules"]).toEqual([{ id: "tasks", version: "2.0.0", state: "ready" }]);
    expect((await call("POST", "/admin/tenants/globex/modules/nope")).body).toMatchObject({
      code: "MODULE_NOT_FOUND",
    });
    const stats = await call("GET", "/admin/stats");
    expect(stats.body).toMatchObject({ tenantsLoaded: 2, enables: 2, disables: 2 });
  });

  it("creates a tenant through the admin API", async () => {
    expect((await call("POST", "/admin/tenants/initech", undefined, { modules: ["tasks"] })).status).toBe(
      201,
    );
    expect((await call("GET", "/api/tasks", "initech")).body).toEqual({ tenant: "initech", tasks: [] });
    const catalog = await call("GET", "/admin/modules");
    expect((catalog.body as unknown as { id: string }[]).map((m) => m.id)).toEqual([
      "clinic",
      "email-service",
      "hr-core",
      "tasks",
    ]);
  });
});
