/**
 * The app the packed @modreg/tenants tests run, as CommonJS source: a shared `Database` and a
 * tenant module `Tasks` injecting the tenant and the database, in a hand-written manifest.
 * It expects `core` (`@modreg/core`) in scope.
 */
export const TENANT_APP_MODULES = `class Database {}
class Tasks {
  constructor(tenant, db) { this.tenant = tenant; this.db = db; }
}
const manifest = {
  formatVersion: 1,
  modules: [
    { id: "database", class: Database, create: () => new Database() },
    {
      id: "tasks",
      class: Tasks,
      tenant: true,
      deps: [{ iface: core.TENANT_CONTEXT_KEY }, { id: "database" }],
      create: (r) => new Tasks(r(0), r(1)),
    },
  ],
};`;
