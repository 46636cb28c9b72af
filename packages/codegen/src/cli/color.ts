/**
 * The one place the CLI decides on and applies ANSI colours: diagnostics, the graph's
 * cycle note and `init`'s plan all paint through here.
 */

/** The environment variables that decide. */
export interface ColorEnv {
  readonly [name: string]: string | undefined;
}

/**
 * Whether to colour output written to a stream, by the ecosystem's convention (Node's
 * `tty.hasColors`, chalk's supports-color, no-color.org):
 * 1. `FORCE_COLOR` set: `0` or `false` turns colour off; any other value, the empty string
 *    included, turns it on, TTY or not. It wins over `NO_COLOR`, as in Node.
 * 2. `NO_COLOR` set to a non-empty value: off.
 * 3. Otherwise colour only on a TTY whose `TERM` is not `dumb`.
 *
 * @example
 * shouldColor(process.env, process.stderr.isTTY === true);
 */
export function shouldColor(env: ColorEnv, isTTY: boolean): boolean {
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if ((env["NO_COLOR"] ?? "") !== "") return false;
  return isTTY && env["TERM"] !== "dumb";
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, gray: 90, bold: 1 } as const;

/** The colours (and bold) the CLI uses. */
export type Color = keyof typeof CODES;

/** `text` in `color` when `on`, as it is otherwise. */
export function paint(on: boolean, color: Color, text: string): string {
  return on ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}
