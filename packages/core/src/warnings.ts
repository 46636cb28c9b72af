/** Where warnings go when the container has no `onWarning`. */
export type WarningSink = (message: string) => void;

interface ProcessLike {
  emitWarning?: (message: string, options: { code: string }) => void;
}

/**
 * `process.emitWarning` (code `MODREG_WARNING`) where there is a Node-like `process`,
 * `console.warn` elsewhere (browsers and other realms without one).
 */
export const defaultWarningSink: WarningSink = (message) => {
  const host = (globalThis as { process?: ProcessLike }).process;
  if (typeof host?.emitWarning === "function") host.emitWarning(message, { code: "MODREG_WARNING" });
  else console.warn(`MODREG_WARNING ${message}`);
};
