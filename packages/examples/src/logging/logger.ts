/**
 * What every module logs through. Modules inject the interface; the generated manifest
 * knows which classes implement it, and the container's `env` decides which one is active.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}
