/**
 * The Postgres store's schema, applied by the store itself: idempotent, safe when several
 * instances start at once (serialized by an advisory lock), and versioned by a row in a
 * `<table>_meta` table so a later release can migrate forward and an older one refuses a
 * newer schema instead of corrupting it.
 */
import { ModuleRegistryError } from "@modreg/core";
import type { PoolClient } from "pg";

/** The schema version this release writes and reads. */
export const SCHEMA_VERSION = 1;

/** Quoted `"schema"."table"` names, checked once. */
export interface Tables {
  readonly schema: string;
  readonly tenants: string;
  readonly meta: string;
  /** The advisory-lock key: one per schema + table, so two stores in one database never wait on each other. */
  readonly lockKey: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function identifier(option: string, value: unknown): string {
  if (typeof value !== "string" || !IDENTIFIER.test(value)) {
    throw new ModuleRegistryError(
      "INVALID_ARGUMENT",
      `createPostgresStore(options.${option}): expected a Postgres identifier (letters, digits, _; not starting with a digit; at most 63 characters), got ${JSON.stringify(value)}`,
    );
  }
  return `"${value}"`;
}

export function tablesOf(schema: unknown, table: unknown): Tables {
  const s = identifier("schema", schema);
  const t = identifier("table", table);
  // The meta table's name grows by 5 characters: keep it under Postgres's 63.
  identifier("table", `${String(table)}_meta`);
  return {
    schema: s,
    tenants: `${s}.${t}`,
    meta: `${s}."${String(table)}_meta"`,
    lockKey: `modreg.tenants:${String(schema)}.${String(table)}`,
  };
}

/** Creates what is missing and checks the version; run in its own transaction. */
export async function migrate(client: PoolClient, tables: Tables): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [tables.lockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${tables.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tables.meta} (key text PRIMARY KEY, value text NOT NULL)`,
    );
    const { rows } = await client.query<{ value: string }>(
      `SELECT value FROM ${tables.meta} WHERE key = 'schema_version'`,
    );
    const found = rows[0] === undefined ? 0 : Number(rows[0].value);
    if (found > SCHEMA_VERSION) {
      throw new ModuleRegistryError(
        "STORE_FAILED",
        `createPostgresStore: ${tables.tenants} has schema version ${found}, this @modreg/tenants knows up to ${SCHEMA_VERSION}; upgrade @modreg/tenants`,
      );
    }
    if (found < 1) {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${tables.tenants} (
           tenant_id text PRIMARY KEY,
           modules jsonb NOT NULL DEFAULT '[]'::jsonb,
           flags jsonb NOT NULL DEFAULT '{}'::jsonb,
           revision bigint NOT NULL DEFAULT 0,
           updated_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
    }
    await client.query(
      `INSERT INTO ${tables.meta} (key, value) VALUES ('schema_version', $1)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [String(SCHEMA_VERSION)],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
