import { Module } from "@modreg/core";
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
 * An in-memory stand-in for a real database, with the lifecycle of one: `onInit`
 * "connects" asynchronously (the container awaits it before building any dependent) and
 * `onDispose` closes the connection when the container is disposed.
 */
@Module({
  id: "database",
  version: "2.3.0",
  capabilities: ["storage", "sql"],
  metadata: { displayName: "Database", category: "infra" },
})
export class Database {
  private rows: OrderRow[] = [];
  private connected = false;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  async onInit(): Promise<void> {
    await delay(this.config.connectDelayMs);
    this.rows = [...SEED];
    this.connected = true;
    this.log.info(`database: connected to ${this.config.databaseUrl} (${this.rows.length} orders)`);
  }

  async onDispose(): Promise<void> {
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
