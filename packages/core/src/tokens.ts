/**
 * A typed key for something that has no runtime value of its own, such as an interface.
 * The codegen writes one per interface or abstract class used for injection
 * (`tokens.Logger`); the key is `<package or project path>#<ExportName>`.
 */
export interface Token<T> {
  readonly key: string;
  /** Phantom: carries `T` for `get(token)`; never set. */
  readonly __type?: T;
}

const interned = new Map<string, Token<unknown>>();

/**
 * The token for an interface key. The same key always gives the same object.
 *
 * @example
 * const Logger = token<Logger>("src/logger.ts#Logger");
 * app.get(Logger).info("ready");
 */
export function token<T>(key: string): Token<T> {
  let found = interned.get(key);
  if (found === undefined) {
    found = Object.freeze({ key });
    interned.set(key, found);
  }
  return found as Token<T>;
}

/** True when `value` is a token (from any copy of `@modreg/core`). */
export function isToken(value: unknown): value is Token<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { key?: unknown }).key === "string";
}
