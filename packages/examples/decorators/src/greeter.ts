import { Module, type Lazy } from "@modreg/core";
import type { AuditLog } from "./audit-log.js";
import type { Clock } from "./clock.js";
import { recordDecoratorMode } from "./decorator-mode.js";

/** Constructor injection of an interface and of a lazy module, with no reflection metadata. */
@Module({ id: "greeter", version: "1.0.0" })
@recordDecoratorMode
export class Greeter {
  constructor(
    private readonly clock: Clock,
    private readonly audit: Lazy<AuditLog>,
  ) {}

  greet(name: string): string {
    this.audit().record(name);
    return `Hello, ${name}! It is ${this.clock.now().toISOString()}.`;
  }
}
