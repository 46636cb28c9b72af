import { Module } from "@modreg/core";
import type { Logger } from "./logger.js";

/** Human-readable log lines, for development and tests. */
@Module({ id: "pretty-logger", when: { env: ["development", "test"] }, capabilities: ["logging"] })
export class PrettyLogger implements Logger {
  info(message: string): void {
    console.log(`  · ${message}`);
  }

  warn(message: string): void {
    console.log(`  ! ${message}`);
  }
}
