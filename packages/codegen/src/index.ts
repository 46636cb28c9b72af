export { createGenerator, createGenerators, generate, resolveTsconfig } from "./generate.js";
export type {
  GenerateAllOptions,
  GenerateOptions,
  GenerateResult,
  Generator,
  OutputOptions,
} from "./generate.js";
export { DIAGNOSTIC_CODES, compareDiagnostics, isConfigDiagnostic } from "./diagnostics.js";
export type { Diagnostic, DiagnosticCode, DiagnosticSeverity, RelatedLocation } from "./diagnostics.js";
export { formatDiagnostic, formatDiagnostics, formatSummary } from "./cli/format.js";
export { ProjectScanner } from "./scan/project.js";
export type { ScannerOptions } from "./scan/project.js";
export { validate } from "./validate/validate.js";
export type { ActiveCondition, Validation } from "./validate/validate.js";
export { GENERATED_HEADER, writeManifest } from "./write/typescript.js";
export type { RegistryPlacement, WriteOptions } from "./write/typescript.js";
export { graphEdges, writeJson } from "./write/data.js";
export type { GraphEdge } from "./write/data.js";
export { graphLayout, writeDot, writeMermaid } from "./write/graph.js";
export type { DrawnEdge, GraphLayout } from "./write/graph.js";
export { main } from "./cli/main.js";
export { CONFIG_FILE, ConfigError, configBeside, readConfig } from "./cli/config.js";
export { ClassRef } from "./records.js";
export type {
  ImportStyle,
  Location,
  ManifestData,
  ModuleData,
  ParamTarget,
  ScanResult,
  ScannedModule,
  ScannedOptions,
  ScannedParam,
  StaticValue,
  TokenData,
  TypeDeclaration,
} from "./records.js";
export { watchSources } from "./watch-files.js";
export type { SourceWatcher } from "./watch-files.js";
