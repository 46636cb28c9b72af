/**
 * `pnpm --filter @modreg/example-saas start`: the SaaS server with two tenants.
 * Embedded defaults (memory store) unless DATABASE_URL (Postgres store) is set; PORT (default 3000).
 */
import { createMemoryStore, type TenantStore } from "@modreg/tenants";
import { startSaas } from "./server.js";

async function storeFromEnv(): Promise<TenantStore> {
  const url = process.env["DATABASE_URL"];
  if (!url) return createMemoryStore();
  const { createPostgresStore } = await import("@modreg/tenants/postgres");
  return createPostgresStore({ connectionString: url });
}

const store = await storeFromEnv();
const server = await startSaas({ store, port: Number(process.env["PORT"] ?? 3000) });
const { tenants } = server;
if ((await store.read("acme")) === undefined) {
  await tenants.create("acme", {
    modules: ["hr-core", "clinic", "email-service"],
    flags: { "advanced-reporting": true },
  });
}
if ((await store.read("globex")) === undefined) {
  await tenants.create("globex", { modules: ["tasks"], flags: { "bulk-import": false } });
}
console.log(
  `SaaS example listening on ${server.url} (store: ${process.env["DATABASE_URL"] ? "postgres" : "memory"})`,
);
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
