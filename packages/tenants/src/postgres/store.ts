/** `createPostgresStore`: a `TenantStore` in a Postgres table, shared by every app instance. */
import { compareIds, ModuleRegistryError } from "@modreg/core";
import type * as PgModule from "pg";
import type { Pool, PoolClient } from "pg";
import { requirePeer } from "../peers.js";
import type { TenantChange, TenantState, TenantStore } from "../store.js";
import { emptyTenantState } from "../store.js";
import { applyChange, checkTenantId, checkUpdate, stateOf } from "../validate.js";
import { migrate, tablesOf, type Tables } from "./schema.js";

const pg = requirePeer<typeof PgModule>("pg", "@modreg/tenants/postgres");

/** Options of `createPostgresStore`: a connection string (the store owns its pool) or your pool. */
export type PostgresStoreOptions = (
  | { readonly connectionString: string; readonly pool?: never }
  | { readonly pool: Pool; readonly connectionString?: never }
) & {
  /** Default `"public"`; created when missing. */
  readonly schema?: string;
  /** Default `"modreg_tenants"`; a `<table>_meta` table beside it holds the schema version. */
  readonly table?: string;
};

interface Row {
  tenant_id: string;
  modules: unknown;
  flags: unknown;
  revision: string | number;
}

const OPTION_KEYS = new Set(["connectionString", "pool", "schema", "table"]);

function checkOptions(options: unknown): { pool: Pool; owned: boolean; tables: Tables } {
  const where = "createPostgresStore(options)";
  if (typeof options !== "object" || options === null) {
    throw new ModuleRegistryError("INVALID_ARGUMENT", `${where}: expected { connectionString } or { pool }`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.has(key)) {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        `${where}: unknown option "${key}" (expected connectionString, pool, schema, table)`,
      );
    }
  }
  const tables = tablesOf(o["schema"] ?? "public", o["table"] ?? "modreg_tenants");
  const { connectionString, pool } = o;
  if ((connectionString === undefined) === (pool === undefined)) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `${where}: give exactly one of connectionString and pool`,
    );
  }
  if (pool !== undefined) {
    if (typeof pool !== "object" || pool === null || typeof (pool as Pool).connect !== "function") {
      throw new ModuleRegistryError("INVALID_ARGUMENT", `${where}: pool must be a pg Pool`);
    }
    return { pool: pool as Pool, owned: false, tables };
  }
  if (typeof connectionString !== "string" || connectionString.length === 0) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `${where}: connectionString must be a non-empty string`,
    );
  }
  const owned = new pg.Pool({ connectionString });
  // An idle connection that breaks (server restarted) is an "error" event: without a listener it
  // would crash the process. The next query reconnects, or fails with STORE_FAILED.
  owned.on("error", () => undefined);
  return { pool: owned, owned: true, tables };
}

/** What the caller's update callback threw, carried out of the transaction unchanged. */
class CallbackError extends Error {
  constructor(readonly error: unknown) {
    super("the update callback threw");
  }
}

/** True for an error the driver raised (the connection may be broken), not one of ours or the caller's. */
function fromDriver(error: unknown): boolean {
  return !(error instanceof CallbackError) && !ModuleRegistryError.is(error);
}

/** Our own errors and the caller's pass through; anything from the driver becomes STORE_FAILED. */
function storeError(where: string, error: unknown): unknown {
  if (error instanceof CallbackError) return error.error;
  if (ModuleRegistryError.is(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message || error.constructor.name : String(error);
  return new ModuleRegistryError(
    "STORE_FAILED",
    `${where}: Postgres failed: ${detail}${typeof code === "string" ? ` (${code})` : ""}; nothing was changed`,
    { cause: error },
  );
}

/**
 * A `TenantStore` in Postgres (`pg`). It creates its schema and table on first use (idempotent,
 * versioned, safe when instances start together). `update` runs in a transaction that locks
 * the tenant's row (`SELECT … FOR UPDATE`), so concurrent writers from any number of
 * instances queue up and never lose a write; the callback runs once, inside the lock.
 *
 * @example
 * import { createPostgresStore } from "@modreg/tenants/postgres";
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL! });
 */
export function createPostgresStore(options: PostgresStoreOptions): TenantStore {
  const { pool, owned, tables } = checkOptions(options);
  let ready: Promise<void> | undefined;
  let closed = false;

  const withClient = async <T>(where: string, body: (client: PoolClient) => Promise<T>): Promise<T> => {
    if (closed) throw new ModuleRegistryError("STORE_FAILED", `${where}: the store is closed`);
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeError(where, error);
    }
    let broken = false;
    try {
      ready ??= migrate(client, tables).catch((error: unknown) => {
        ready = undefined; // a database down at start-up is retried by the next call
        throw error;
      });
      await ready;
      return await body(client);
    } catch (error) {
      broken = fromDriver(error);
      throw storeError(where, error);
    } finally {
      client.release(broken);
    }
  };

  const toState = (row: Row): TenantState => {
    try {
      return stateOf("stored row", row.tenant_id, row.modules, row.flags, Number(row.revision));
    } catch (error) {
      throw new ModuleRegistryError(
        "STORE_FAILED",
        `${tables.tenants} holds a malformed row for tenant "${row.tenant_id}": ${(error as Error).message}`,
        { cause: error },
      );
    }
  };

  return {
    async read(tenantId) {
      checkTenantId("store.read(tenantId)", tenantId);
      return withClient("store.read", async (client) => {
        const { rows } = await client.query<Row>(
          `SELECT tenant_id, modules, flags, revision FROM ${tables.tenants} WHERE tenant_id = $1`,
          [tenantId],
        );
        return rows[0] === undefined ? undefined : toState(rows[0]);
      });
    },

    async update(tenantId, update: (current: TenantState) => TenantChange) {
      checkTenantId("store.update(tenantId)", tenantId);
      checkUpdate(`store.update("${tenantId}", update)`, update);
      return withClient(`store.update("${tenantId}")`, async (client) => {
        await client.query("BEGIN");
        try {
          // Make sure a row exists to lock; a concurrent first writer waits here for ours (or we for it).
          await client.query(`INSERT INTO ${tables.tenants} (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [
            tenantId,
          ]);
          const { rows } = await client.query<Row>(
            `SELECT tenant_id, modules, flags, revision FROM ${tables.tenants} WHERE tenant_id = $1 FOR UPDATE`,
            [tenantId],
          );
          const row = rows[0];
          const current =
            row === undefined || Number(row.revision) === 0 ? emptyTenantState(tenantId) : toState(row);
          let change: TenantChange;
          try {
            change = update(current);
          } catch (error) {
            throw new CallbackError(error);
          }
          const next = applyChange(`store.update("${tenantId}")`, current, change);
          await client.query(
            `UPDATE ${tables.tenants} SET modules = $2::jsonb, flags = $3::jsonb, revision = $4, updated_at = now()
             WHERE tenant_id = $1`,
            [tenantId, JSON.stringify(next.modules), JSON.stringify(next.flags), next.revision],
          );
          await client.query("COMMIT");
          return next;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      });
    },

    list() {
      return withClient("store.list", async (client) => {
        const { rows } = await client.query<{ tenant_id: string }>(
          `SELECT tenant_id FROM ${tables.tenants} WHERE revision > 0`,
        );
        return Object.freeze(rows.map((r) => r.tenant_id).sort(compareIds));
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      if (owned) await pool.end();
    },
  };
}
