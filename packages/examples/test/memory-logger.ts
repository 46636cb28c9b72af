import type { Logger } from "../src/logging/logger.js";

/** Collects log lines instead of printing them. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
}
