import { Module } from "@modreg/core";
import type { Logger } from "./logging/logger.js";
import type { OrderRepository } from "./order-repository.js";

export interface TenantTotals {
  readonly tenant: string;
  readonly orders: number;
  readonly revenue: number;
}

/**
 * Expensive to build (it indexes every order up front), and only some requests need it:
 * `scope: "lazy"` builds it on first use, never during `start()`.
 */
@Module({ id: "analytics", scope: "lazy", capabilities: ["analytics"] })
export class AnalyticsEngine {
  private readonly totals = new Map<string, TenantTotals>();

  constructor(orders: OrderRepository, log: Logger) {
    const started = performance.now();
    for (const row of orders.all()) {
      const current = this.totals.get(row.tenant) ?? { tenant: row.tenant, orders: 0, revenue: 0 };
      this.totals.set(row.tenant, {
        tenant: row.tenant,
        orders: current.orders + 1,
        revenue: current.revenue + row.amount,
      });
    }
    log.info(
      `analytics: indexed ${this.totals.size} tenants in ${(performance.now() - started).toFixed(2)} ms`,
    );
  }

  totalsByTenant(): TenantTotals[] {
    return [...this.totals.values()].sort((a, b) => b.revenue - a.revenue);
  }
}
