import { Module, provide, scopeValue, type Factory } from "@modreg/core";
import type { ExportJob } from "./export-job.js";
import type { Logger } from "./logging/logger.js";
import type { Metrics } from "./metrics.js";

/** What one export request asks for: the per-scope input of an `ExportRun`. */
export interface ExportRequest {
  readonly tenant: string;
  readonly format: string;
}

/**
 * A per-scope input: its type is known at build time, its value comes from each scope,
 * `app.scope({ values: { "export-request": { tenant, format } } })`.
 */
export const exportRequest = provide({ id: "export-request", scope: "scoped" }, scopeValue<ExportRequest>());

/**
 * One export request (an HTTP request, a CLI invocation): `scope: "scoped"`, one instance
 * per scope, disposed with it. The singletons it reaches (the exporters, the logger, the
 * database through each job) are shared by every scope; a singleton depending on it would
 * be the build error MR3010.
 */
@Module({ id: "export-run", scope: "scoped" })
export class ExportRun {
  constructor(
    private readonly request: ExportRequest,
    private readonly newJob: Factory<ExportJob, [tenant: string]>,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
  ) {}

  run(): string {
    this.metrics?.increment(`export.${this.request.format}`);
    return this.newJob(this.request.tenant).run(this.request.format);
  }

  onDispose(): void {
    this.log.info(`export-run[${this.request.tenant}/${this.request.format}]: request finished`);
  }
}
