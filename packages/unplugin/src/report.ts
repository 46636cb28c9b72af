/** Turning the generator's diagnostics into what a bundler shows (`this.error`, `this.warn`, the Vite overlay). */
import path from "node:path";
import { formatDiagnostic, formatDiagnostics, type Diagnostic, type GenerateResult } from "@modreg/codegen";

/** An error a bundler shows with its file and position (Rollup/Vite `RollupError` shape). */
export interface BundlerMessage {
  readonly message: string;
  readonly id?: string;
  readonly loc?: { readonly file: string; readonly line: number; readonly column: number };
  readonly plugin: "modreg";
}

function messageOf(diagnostic: Diagnostic, result: GenerateResult): BundlerMessage {
  const format = { projectDir: result.projectDir, cwd: process.cwd(), color: false };
  const location = diagnostic.location;
  const file = location && path.resolve(result.projectDir, location.file);
  return {
    message: formatDiagnostic(diagnostic, format),
    plugin: "modreg",
    ...(file !== undefined &&
      location && { id: file, loc: { file, line: location.line, column: location.column } }),
  };
}

/** The run's errors as one message (every error listed, the first one's position attached). */
export function errorMessage(result: GenerateResult): BundlerMessage | undefined {
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return undefined;
  const first = messageOf(errors[0]!, result);
  const format = { projectDir: result.projectDir, cwd: process.cwd(), color: false };
  return { ...first, message: `modreg generate failed:\n${formatDiagnostics(errors, format)}` };
}

/** The errors of several outputs' runs as one message (each output's errors, the first position attached). */
export function errorOf(results: readonly GenerateResult[]): BundlerMessage | undefined {
  const messages = results.map(errorMessage).filter((m) => m !== undefined);
  const [first] = messages;
  if (first === undefined || messages.length === 1) return first;
  return { ...first, message: messages.map((m) => m.message).join("\n") };
}

export function warningMessages(result: GenerateResult): BundlerMessage[] {
  return result.diagnostics.filter((d) => d.severity === "warning").map((d) => messageOf(d, result));
}

/** An `Error` carrying the message's position, for hooks that can only throw. */
export function toError(message: BundlerMessage): Error {
  return Object.assign(new Error(message.message), message);
}
