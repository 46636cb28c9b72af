/** The plugin's public surface: its manifest, to pass to `container.load()`, and its class. */
export { manifest } from "./modules.generated.js";
export { PdfExporter } from "./pdf-exporter.js";
