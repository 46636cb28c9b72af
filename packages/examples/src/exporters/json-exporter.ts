import { Module } from "@modreg/core";
import type { ExportRow, Exporter } from "@modreg/example-plugin-api";

/** A JSON array of objects. */
@Module({
  id: "json-exporter",
  version: "1.0.0",
  capabilities: ["export", "structured"],
  metadata: { displayName: "JSON exporter", format: "json" },
})
export class JsonExporter implements Exporter {
  readonly format = "json";
  readonly mediaType = "application/json";

  render(rows: readonly ExportRow[]): string {
    return JSON.stringify(rows);
  }
}
