/**
 * `pnpm --filter @modreg/example-saas start`: the SaaS server with two tenants.
 * Embedded defaults (memory store, flags cached in this process) unless DATABASE_URL (Postgres
 * store) and REDIS_URL (the flags' shared Redis tier and pub/sub, so other instances follow
 * every change) are set; PORT (default 3000).
 */
import { ModuleRegistryError } from "@modreg/core";
import { createFlags, createMemoryStore, type TenantStore } from "@modreg/tenants";
import { startSaas } from "./server.js";

async function storeFromEnv(): Promise<TenantStore> {
  const url = process.env["DATABASE_URL"];
  if (!url) return createMemoryStore();
  const { createPostgresStore } = await import("@modreg/tenants/postgres");
  return createPostgresStore({ connectionString: url });
}

const store = await storeFromEnv();
const redis = process.env["REDIS_URL"];
const flags = createFlags({ store, ...(redis && { redis }) });
const server = await startSaas({ store, flags, port: Number(process.env["PORT"] ?? 3000) });
const { tenants } = server;

/** Creates a demo tenant once; another instance starting at the same time may have done it. */
async function seed(tenantId: string, init: Parameters<typeof tenants.create>[1]): Promise<void> {
  if ((await store.read(tenantId)) !== undefined) return;
  try {
    await tenants.create(tenantId, init);
  } catch (error) {
    if (!(ModuleRegistryError.is(error, "INVALID_ARGUMENT") && (await store.read(tenantId)) !== undefined))
      throw error;
  }
}
await seed("acme", {
  modules: ["hr-core", "clinic", "email-service"],
  flags: { "advanced-reporting": true },
});
await seed("globex", { modules: ["tasks"], flags: { "bulk-import": false } });

const using = `store: ${process.env["DATABASE_URL"] ? "postgres" : "memory"}, flags: ${redis ? "memory + redis" : "memory"}`;
console.log(`SaaS example listening on ${server.url} (${using})`);
console.log(`  curl -H 'x-tenant-id: acme' ${server.url}/api/clinic/appointments`);
console.log(`  curl -X POST ${server.url}/admin/tenants/globex/modules/clinic?withDependencies=true`);

const stop = (): void => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
