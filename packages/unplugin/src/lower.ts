/**
 * Lowering TC39 standard decorators with TypeScript itself, for bundlers whose transform
 * leaves them as written (Node 20–24 cannot parse `@dec class {}`).
 */
import { ts } from "ts-morph";

export interface LoweredCode {
  readonly code: string;
  readonly map: string | undefined;
}

/** The tsconfig's options, or `undefined` when it cannot be read (the generator reports that). */
export function readCompilerOptions(tsconfig: string): ts.CompilerOptions | undefined {
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => {},
  });
  return parsed?.options;
}

/** True when the project compiles TC39 standard decorators (no `experimentalDecorators`). */
export function usesStandardDecorators(options: ts.CompilerOptions | undefined): boolean {
  return options?.experimentalDecorators !== true;
}

/** Files worth lowering: TypeScript sources that may hold a decorator. */
export const LOWERABLE = /\.[cm]?tsx?$/;
const DECLARATION = /\.d\.[cm]?ts$/;
const DEPENDENCY = /[\\/]node_modules[\\/]/;

/**
 * Transpiles one file with the project's options but a target TypeScript lowers decorators
 * for (at most ES2022), keeping ES modules. Returns `undefined` for files without decorators.
 */
export function lowerDecorators(
  code: string,
  fileName: string,
  options: ts.CompilerOptions | undefined,
): LoweredCode | undefined {
  if (!LOWERABLE.test(fileName) || DECLARATION.test(fileName) || DEPENDENCY.test(fileName)) return undefined;
  if (!code.includes("@")) return undefined;
  const target = Math.min(options?.target ?? ts.ScriptTarget.ES2022, ts.ScriptTarget.ES2022);
  const output = ts.transpileModule(code, {
    fileName,
    compilerOptions: {
      ...options,
      target,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      experimentalDecorators: false,
      sourceMap: true,
      inlineSourceMap: false,
      inlineSources: true,
      declaration: false,
      declarationMap: false,
      noEmit: false,
    },
  });
  const text = output.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, "");
  return { code: text, map: output.sourceMapText };
}
