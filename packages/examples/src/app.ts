import { createContainer, type Container, type ContainerOptions } from "@modreg/core";
import { manifest as pdfPlugin } from "@modreg/example-plugin-pdf";
import { manifest } from "./modules.generated.js";

/**
 * The shop's container: this package's generated manifest merged with the PDF plugin's.
 * `main.ts` starts it; tests create it with `overrides`.
 */
export function createApp(options: ContainerOptions = {}): Container {
  return createContainer(manifest, options).load(pdfPlugin);
}

/** Reads `APP_ENV` and the comma-separated `FEATURES` the way `main.ts` does. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): { env: string; features: string[] } {
  const features = (env["FEATURES"] ?? "")
    .split(",")
    .map((feature) => feature.trim())
    .filter((feature) => feature !== "");
  return { env: env["APP_ENV"] ?? "development", features };
}
