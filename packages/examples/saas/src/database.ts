import { Module } from "@modreg/core";

/** A shared module: one in-memory "database" for every tenant, rows keyed by tenant. */
@Module({ id: "database", version: "1.0.0" })
export class Database {
  private readonly tables = new Map<string, unknown[]>();

  rows<T>(tenantId: string, table: string): T[] {
    const key = `${tenantId}/${table}`;
    let rows = this.tables.get(key);
    if (rows === undefined) this.tables.set(key, (rows = []));
    return rows as T[];
  }
}
