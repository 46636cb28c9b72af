import { Module } from "@modreg/core";

/** Built only when first asked for (`scope: "lazy"`), disposed with the container. */
@Module({ id: "audit-log", scope: "lazy" })
export class AuditLog {
  readonly entries: string[] = [];

  onInit(): void {
    console.log("audit-log: opened");
  }

  onDispose(): void {
    console.log(`audit-log: closed after ${this.entries.length} entries`);
  }

  record(entry: string): void {
    this.entries.push(entry);
  }
}
