/**
 * Checks of how the project compiles, not of its graph: output the user's runtime cannot run
 * is reported before Node reports it as a bare `SyntaxError`.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { ScanResult } from "../records.js";

/**
 * `MR1003`: standard decorators with `target: ESNext`. TypeScript lowers TC39 decorators for
 * every target except ESNext, and no Node release up to 24 parses them.
 */
export function checkDecoratorEmit(scan: ScanResult): Diagnostic[] {
  const emit = scan.decorators;
  if (emit === undefined || scan.modules.length === 0) return [];
  if (emit.mode !== "standard" || emit.target !== "ESNext") return [];
  return [
    {
      code: "MR1003",
      severity: "warning",
      message:
        `${emit.tsconfig} compiles standard decorators with "target": "ESNext", which leaves them ` +
        "as written; Node (20, 22, 24) cannot parse them and fails with " +
        "`SyntaxError: Invalid or unexpected token`",
      hint:
        'set "target": "ES2022" (any target but ESNext lowers them); bundlers use their own target: ' +
        "esbuild --target=node20, Vite 7 esbuild.target, Vite 8 @modreg/unplugin with lowerDecorators",
    },
  ];
}
