import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startPostgres, type PostgresServer } from "../../../test/support/servers.js";
import type { TenantStore } from "../src/index.js";
import { createPostgresStore, SCHEMA_VERSION } from "../src/postgres/index.js";
import { rejectsWith, tenantStoreContract } from "./support/store-contract.js";

let server: PostgresServer;
const opened: { close?(): Promise<void> }[] = [];
const pools: pg.Pool[] = [];
let tables = 0;

function pool(): pg.Pool {
  const p = new pg.Pool({ connectionString: server.url, max: 5 });
  p.on("error", () => undefined); // idle connections dropped when the server stops
  pools.push(p);
  return p;
}

/** A store over a table no other test uses. */
function store(options: { table?: string; schema?: string; pool?: pg.Pool } = {}): TenantStore {
  const table = options.table ?? `tenants_${++tables}`;
  const s = options.pool
    ? createPostgresStore({
        pool: options.pool,
        table,
        ...(options.schema ? { schema: options.schema } : {}),
      })
    : createPostgresStore({
        connectionString: server.url,
        table,
        ...(options.schema ? { schema: options.schema } : {}),
      });
  opened.push(s);
  return s;
}

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  for (const s of opened) await s.close?.().catch(() => undefined);
  for (const p of pools) await p.end().catch(() => undefined);
  await server?.stop();
});

describe("createPostgresStore", () => {
  tenantStoreContract(() => store());

  it("never loses a write when two instances (two pools) update one tenant concurrently", async () => {
    const table = `tenants_${++tables}`;
    const a = store({ table, pool: pool() });
    const b = store({ table, pool: pool() });
    const n = 30;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        (i % 2 === 0 ? a : b).update("shared", (s) => ({
          flags: { ...s.flags, [`f${i}`]: true },
          modules: [...s.modules, `m${i}`],
        })),
      ),
    );
    const state = await a.read("shared");
    expect(state?.revision).toBe(n);
    expect(Object.keys(state?.flags ?? {}).sort()).toEqual(
      Array.from({ length: n }, (_, i) => `f${i}`).sort(),
    );
    expect(state?.modules).toHaveLength(n);
    expect(await b.read("shared")).toEqual(state);
  });

  it("creates its schema once, idempotently, even when instances start together, and records its version", async () => {
    const schema = "fresh_schema";
    const table = "tenants";
    const stores = [store({ schema, table }), store({ schema, table }), store({ schema, table })];
    await Promise.all(stores.map((s, i) => s.update(`t${i}`, () => ({ flags: { on: true } }))));
    expect(await stores[0]?.list()).toEqual(["t0", "t1", "t2"]);
    const check = pool();
    const { rows } = await check.query<{ value: string }>(
      `SELECT value FROM fresh_schema.tenants_meta WHERE key = 'schema_version'`,
    );
    expect(rows).toEqual([{ value: String(SCHEMA_VERSION) }]);
    // A later store over the same table keeps the data.
    expect((await store({ schema, table }).read("t1"))?.flags).toEqual({ on: true });
  });

  it("refuses a table whose schema version is newer than it knows, with STORE_FAILED", async () => {
    const table = `tenants_${++tables}`;
    await store({ table }).list();
    await pool().query(`UPDATE ${table}_meta SET value = '99' WHERE key = 'schema_version'`);
    await rejectsWith(store({ table }).list(), "STORE_FAILED", "schema version 99");
  });

  it("reports a malformed stored row as STORE_FAILED naming the tenant", async () => {
    const table = `tenants_${++tables}`;
    const s = store({ table });
    await s.update("bad", () => ({ flags: { ok: true } }));
    await pool().query(`UPDATE ${table} SET flags = '{"x": [1]}'::jsonb WHERE tenant_id = 'bad'`);
    const error = await rejectsWith(s.read("bad"), "STORE_FAILED", 'malformed row for tenant "bad"');
    expect(error.message).toContain('flag "x"');
  });

  it("reports an unreachable database as STORE_FAILED with the driver's error as cause", async () => {
    const port = await freePort();
    const s = createPostgresStore({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    opened.push(s);
    const error = await rejectsWith(s.read("t"), "STORE_FAILED", "Postgres failed");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toBeInstanceOf(Error);
    await rejectsWith(
      s.update("t", () => ({})),
      "STORE_FAILED",
      "nothing was changed",
    );
  });

  it("leaves a pool it was given open on close, and ends one it created", async () => {
    const given = pool();
    await store({ pool: given }).close?.();
    expect((await given.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("rejects bad options with INVALID_ARGUMENT", () => {
    expect(() => createPostgresStore({} as never)).toThrow(
      /INVALID_ARGUMENT: .*exactly one of connectionString and pool/,
    );
    expect(() => createPostgresStore(undefined as never)).toThrow(/INVALID_ARGUMENT/);
    expect(() =>
      createPostgresStore({ connectionString: server.url, table: 'x"; DROP TABLE y; --' }),
    ).toThrow(/INVALID_ARGUMENT: createPostgresStore\(options.table\): expected a Postgres identifier/);
    expect(() => createPostgresStore({ connectionString: server.url, schema: "1abc" })).toThrow(
      /options.schema/,
    );
    expect(() => createPostgresStore({ connectionString: server.url, tabel: "x" } as never)).toThrow(
      /unknown option "tabel"/,
    );
    expect(() => createPostgresStore({ pool: {} as never })).toThrow(/pool must be a pg Pool/);
    expect(() => createPostgresStore({ connectionString: "" })).toThrow(
      /connectionString must be a non-empty string/,
    );
  });
});
