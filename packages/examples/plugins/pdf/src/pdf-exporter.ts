import { Module } from "@modreg/core";
import type { ExportRow, Exporter } from "@modreg/example-plugin-api";

/**
 * Renders rows as a minimal one-page PDF. It lives in its own package with its own
 * generated manifest; the host merges that manifest with `container.load()`.
 *
 * It requires the host's `config` module at a version the host must satisfy,
 * `config@^1.0.0`. The plugin's own build cannot see the host, so its scripts pass
 * `modreg generate --external config`; once the manifest is loaded into a host, the container
 * checks that `config` exists (`MODULE_DEPENDENCY_MISSING` otherwise) and that its version
 * is 1.x (`MODULE_VERSION_MISMATCH` otherwise).
 */
@Module({
  id: "pdf-exporter",
  version: "1.1.0",
  capabilities: ["export", "document"],
  dependencies: ["config@^1.0.0"],
  metadata: { displayName: "PDF exporter", format: "pdf" },
})
export class PdfExporter implements Exporter {
  readonly format = "pdf";
  readonly mediaType = "application/pdf";

  render(rows: readonly ExportRow[]): string {
    const lines = rows.map((row) =>
      Object.entries(row)
        .map(([key, value]) => `${key}=${value}`)
        .join(" "),
    );
    const text = lines.map((line, i) => `BT /F1 10 Tf 40 ${780 - i * 14} Td (${escapePdf(line)}) Tj ET`);
    return ["%PDF-1.4", `% ${rows.length} rows`, ...text, "%%EOF"].join("\n");
  }
}

function escapePdf(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}
