import { Module } from "@modreg/core";
import type { ExportRow, Exporter } from "@modreg/example-plugin-api";

/** Comma-separated values with a header line. */
@Module({
  id: "csv-exporter",
  version: "1.0.0",
  capabilities: ["export", "tabular"],
  metadata: { displayName: "CSV exporter", format: "csv" },
})
export class CsvExporter implements Exporter {
  readonly format = "csv";
  readonly mediaType = "text/csv";

  render(rows: readonly ExportRow[]): string {
    const columns = Object.keys(rows[0] ?? {});
    const cell = (value: string | number | undefined): string => {
      const text = String(value ?? "");
      return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    return [columns.join(","), ...rows.map((row) => columns.map((c) => cell(row[c])).join(","))].join("\n");
  }
}
