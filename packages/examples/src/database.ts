import { provide } from "@modreg/core";
import type { Config } from "./config.js";
import type { Logger } from "./logging/logger.js";

export interface OrderRow {
  readonly id: number;
  readonly tenant: string;
  readonly item: string;
  readonly amount: number;
}

const SEED: readonly OrderRow[] = [
  { id: 1, tenant: "acme", item: "keyboard", amount: 49 },
  { id: 2, tenant: "acme", item: "monitor", amount: 189 },
  { id: 3, tenant: "globex", item: "desk", amount: 320 },
  { id: 4, tenant: "acme", item: "cable", amount: 9 },
  { id: 5, tenant: "globex", item: "chair", amount: 140 },
];

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * An in-memory stand-in for a real database client (think `pg.Pool`): a plain class, not a
 * module — the `database` provider below puts it into the graph.
 */
export class Database {
  private rows: OrderRow[] = [];
  private connected = false;

  constructor(
    readonly url: string,
    private readonly log: Logger,
  ) {}

  /** "Connects" asynchronously: the container awaits the provider before building any dependent. */
  async connect(delayMs: number): Promise<void> {
    await delay(delayMs);
    this.rows = [...SEED];
    this.connected = true;
    this.log.info(`database: connected to ${this.url} (${this.rows.length} orders)`);
  }

  async close(): Promise<void> {
    await delay(1);
    this.connected = false;
    this.log.info("database: connection closed");
  }

  get isConnected(): boolean {
    return this.connected;
  }

  select(where: (row: OrderRow) => boolean = () => true): OrderRow[] {
    if (!this.connected) throw new Error("database: not connected");
    return this.rows.filter(where);
  }
}

/**
 * The database client as a provider function: its parameters are injected like constructor
 * parameters, its awaited return type (`Database`) is what it provides, so `OrderRepository`
 * injects it by type. `start()` awaits it in load order; `dispose` closes the client in
 * reverse build order.
 */
export const database = provide(
  {
    id: "database",
    version: "2.3.0",
    capabilities: ["storage", "sql"],
    metadata: { displayName: "Database", category: "infra" },
  },
  async (config: Config, log: Logger): Promise<Database> => {
    const db = new Database(config.databaseUrl, log);
    await db.connect(config.connectDelayMs);
    return db;
  },
  { dispose: (db) => db.close() },
);
