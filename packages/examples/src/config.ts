import { Module } from "@modreg/core";

/**
 * Application settings, read once from the environment. Version 1.x: the PDF plugin
 * declares `config@^1.0.0`, a range this host must satisfy.
 */
@Module({ id: "config", version: "1.4.0", metadata: { displayName: "Configuration", category: "core" } })
export class Config {
  readonly appName = "modreg-shop";
  readonly databaseUrl: string;
  /** Simulated connection latency of the database, in milliseconds. */
  readonly connectDelayMs: number;

  constructor() {
    this.databaseUrl = process.env["DATABASE_URL"] ?? "memory://orders";
    this.connectDelayMs = Number(process.env["DB_CONNECT_DELAY_MS"] ?? 25);
  }
}
