import { Module } from "@modreg/core";
import type { Exporter } from "@modreg/example-plugin-api";
import type { Logger } from "./logging/logger.js";
import type { OrderRepository } from "./order-repository.js";

/**
 * One export run for one tenant. `scope: "factory"`: a new instance per call, and
 * `args: ["tenant"]` makes the trailing constructor parameter a runtime argument, given
 * through `Factory<ExportJob, [tenant: string]>` or `container.create(ExportJob, "acme")`.
 *
 * `exporters: Exporter[]` receives every active implementer of the interface, ordered by
 * id — the host's CSV and JSON exporters and the PDF plugin's.
 */
@Module({ id: "export-job", scope: "factory", args: ["tenant"] })
export class ExportJob {
  constructor(
    private readonly orders: OrderRepository,
    private readonly exporters: Exporter[],
    private readonly log: Logger,
    readonly tenant: string,
  ) {}

  /** Formats this job can write, in exporter id order. */
  formats(): string[] {
    return this.exporters.map((e) => e.format);
  }

  run(format: string): string {
    const exporter = this.exporters.find((e) => e.format === format);
    if (exporter === undefined) {
      throw new Error(`export-job: no exporter for "${format}" (have ${this.formats().join(", ")})`);
    }
    const rows = this.orders.forTenant(this.tenant).map(({ id, item, amount }) => ({ id, item, amount }));
    const document = exporter.render(rows);
    this.log.info(`export-job[${this.tenant}]: ${rows.length} rows as ${exporter.mediaType}`);
    return document;
  }
}
