/** `container.shutdownOn(signals)`: dispose once on the first signal, then exit 0 or 1. */
import { describeValue } from "./arguments.js";
import { ModuleRegistryError, describeError } from "./errors.js";

/** Options of `shutdownOn`. */
export interface ShutdownOptions {
  /**
   * Exit with code 1 when disposal has not finished after this many ms (each module's
   * `onShutdown`/`onDispose` is bounded by `initTimeoutMs` already). Default: no bound.
   */
  readonly timeoutMs?: number;
  /**
   * `true` (default): `process.exit(code)` once disposed. `false`: only set `process.exitCode`
   * and remove the listeners, so the process ends when nothing else keeps it alive.
   */
  readonly exit?: boolean;
}

/** Signal names `shutdownOn` listens for. */
const SIGNALS = new Set(["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGBREAK"]);

interface SignalProcess {
  on(signal: string, listener: () => void): unknown;
  off(signal: string, listener: () => void): unknown;
  exit(code: number): void;
  exitCode?: number | string | undefined;
}

function processOf(): SignalProcess | undefined {
  const host = (globalThis as { process?: Partial<SignalProcess> }).process;
  return typeof host?.on === "function" && typeof host.off === "function" && typeof host.exit === "function"
    ? (host as SignalProcess)
    : undefined;
}

function invalid(message: string): ModuleRegistryError {
  return new ModuleRegistryError("INVALID_ARGUMENT", `shutdownOn(signals, options): ${message}.`);
}

/** The signal names, checked. */
function checkSignals(signals: unknown): string[] {
  const list: unknown[] = typeof signals === "string" ? [signals] : Array.isArray(signals) ? signals : [];
  if (list.length === 0) {
    throw invalid(`expected a signal name or a non-empty array of them, got ${describeValue(signals)}`);
  }
  for (const name of list) {
    if (typeof name !== "string" || !SIGNALS.has(name)) {
      const upper = typeof name === "string" ? name.toUpperCase() : "";
      const guess = SIGNALS.has(upper) ? upper : SIGNALS.has(`SIG${upper}`) ? `SIG${upper}` : undefined;
      throw invalid(
        `${describeValue(name)} is not a signal it can listen for${guess ? ` (did you mean "${guess}"?)` : ""}; use ${[...SIGNALS].join(", ")}`,
      );
    }
  }
  return [...new Set(list as string[])];
}

function checkOptions(options: unknown): ShutdownOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalid(`options must be an object, got ${describeValue(options)}`);
  }
  const { timeoutMs, exit, ...rest } = options as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw invalid(`unknown option "${unknown[0]}" (known: timeoutMs, exit)`);
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === "number" && timeoutMs > 0 && Number.isFinite(timeoutMs))
  ) {
    throw invalid(`timeoutMs must be a positive number of milliseconds, got ${describeValue(timeoutMs)}`);
  }
  if (exit !== undefined && typeof exit !== "boolean") {
    throw invalid(`exit must be a boolean, got ${describeValue(exit)}`);
  }
  return options;
}

/** `dispose()`, or a rejection once `ms` have passed. */
function bounded(dispose: () => Promise<void>, ms: number | undefined): Promise<void> {
  if (ms === undefined) return dispose();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`disposal did not finish within ${ms} ms (timeoutMs)`)), ms);
  });
  return Promise.race([dispose(), late]).finally(() => clearTimeout(timer));
}

/**
 * Listens for `signals`; the first one disposes the container (once, whatever follows) and
 * exits 0 on a clean disposal, 1 on a failure or timeout. Returns the unsubscribe function.
 */
export function shutdownOn(
  container: { dispose(): Promise<void> },
  signals: unknown,
  options: unknown = {},
): () => void {
  const names = checkSignals(signals);
  const { timeoutMs, exit = true } = checkOptions(options);
  const host = processOf();
  if (host === undefined) {
    throw new ModuleRegistryError(
      "UNSUPPORTED_RUNTIME",
      "shutdownOn() needs a Node-like `process` with on(), off() and exit(), and this realm has none (a browser, a worker, an extension). " +
        "Call `await container.dispose()` from the platform's own shutdown event instead.",
    );
  }
  let shuttingDown = false;
  const unsubscribe = (): void => {
    for (const name of names) host.off(name, onSignal);
  };
  function onSignal(): void {
    if (shuttingDown) return;
    shuttingDown = true;
    bounded(() => container.dispose(), timeoutMs).then(
      () => finish(0),
      (error: unknown) => {
        const each = (error as { errors?: unknown } | null)?.errors;
        const details = Array.isArray(each) ? each.map((e) => `\n  ${describeError(e)}`).join("") : "";
        console.error(`modreg: shutdown failed: ${describeError(error)}${details}`);
        finish(1);
      },
    );
  }
  function finish(code: number): void {
    if (exit) host!.exit(code);
    else {
      host!.exitCode = code;
      unsubscribe();
    }
  }
  for (const name of names) host.on(name, onSignal);
  return unsubscribe;
}
