import { Module } from "@modreg/core";

/**
 * Counts what the app does. Behind the `metrics` feature flag: with the flag off the module
 * is inactive, and the modules that inject it optionally (`metrics?: Metrics`) get `undefined`.
 */
@Module({ id: "metrics", version: "1.0.0", when: { feature: "metrics" }, capabilities: ["monitoring"] })
export class Metrics {
  private readonly counters = new Map<string, number>();

  increment(name: string): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  onDispose(): void {
    console.log(`  · metrics: ${JSON.stringify(this.snapshot())}`);
  }
}
