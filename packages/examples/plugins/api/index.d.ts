/**
 * The plugin contract of the example shop. It holds types only: modreg records an
 * interface under `<package name>#<ExportName>` (here `@modreg/example-plugin-api#Exporter`),
 * so the host's exporters and a plugin's exporters, generated into different manifests,
 * provide the same interface.
 */

/** One row of an export: column name to value. */
export interface ExportRow {
  readonly [column: string]: string | number;
}

/** Turns rows into a document of one format. */
export interface Exporter {
  /** Short format name, e.g. `"csv"`. */
  readonly format: string;
  readonly mediaType: string;
  render(rows: readonly ExportRow[]): string;
}
