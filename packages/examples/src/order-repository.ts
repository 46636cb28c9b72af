import { Module } from "@modreg/core";
import type { Database, OrderRow } from "./database.js";
import type { Logger } from "./logging/logger.js";
import type { Metrics } from "./metrics.js";

/**
 * Data access for orders. `inject: { db: "database@^2.0.0" }` puts a version range on the
 * constructor dependency: the build fails if the database module leaves the 2.x line.
 */
@Module({ id: "orders", version: "1.0.0", inject: { db: "database@^2.0.0" } })
export class OrderRepository {
  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
  ) {}

  forTenant(tenant: string): OrderRow[] {
    this.metrics?.increment("orders.query");
    const rows = this.db.select((row) => row.tenant === tenant);
    this.log.info(`orders: ${rows.length} orders for ${tenant}`);
    return rows;
  }

  all(): OrderRow[] {
    this.metrics?.increment("orders.query");
    return this.db.select();
  }
}
