import { Module } from "@modreg/core";
import type { Logger } from "./logger.js";

/** One JSON object per line, for log collectors in production. */
@Module({ id: "json-logger", when: { env: "production" }, capabilities: ["logging"] })
export class JsonLogger implements Logger {
  info(message: string): void {
    console.log(JSON.stringify({ level: "info", message }));
  }

  warn(message: string): void {
    console.log(JSON.stringify({ level: "warn", message }));
  }
}
