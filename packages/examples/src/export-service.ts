import { Module, type Factory, type Lazy } from "@modreg/core";
import type { AnalyticsEngine, TenantTotals } from "./analytics.js";
import type { ExportJob } from "./export-job.js";
import type { Logger } from "./logging/logger.js";
import type { Metrics } from "./metrics.js";

/**
 * The app's entry point for exports. It shows the deferred edges: `Factory` hands out a new
 * `ExportJob` per tenant, `Lazy` builds the analytics engine only when a report asks for it.
 */
@Module({ id: "export-service", version: "1.0.0", capabilities: ["api"] })
export class ExportService {
  constructor(
    private readonly newJob: Factory<ExportJob, [tenant: string]>,
    private readonly analytics: Lazy<AnalyticsEngine>,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
  ) {}

  exportFor(tenant: string, format: string): string {
    this.metrics?.increment(`export.${format}`);
    return this.newJob(tenant).run(format);
  }

  report(): TenantTotals[] {
    this.log.info("export-service: report requested");
    return this.analytics().totalsByTenant();
  }
}
