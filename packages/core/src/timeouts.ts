/** Bounding a user's `onInit` / `onDispose` by `initTimeoutMs`. */

/** True for a promise or any other thenable a user's hook returned. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

/** The `cause` of a hook that did not settle in time (named like the DOM's `TimeoutError`). */
export function timeoutError(what: string, ms: number): Error {
  const error = new Error(`${what} did not settle within ${ms} ms (initTimeoutMs)`);
  error.name = "TimeoutError";
  return error;
}

/**
 * `pending`, or a rejection with a `TimeoutError` after `ms`. When `pending` fulfils after
 * the timeout, `onLate` gets its value (to release what it built).
 */
export function withTimeout<T>(
  pending: PromiseLike<T>,
  ms: number,
  what: string,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(timeoutError(what, ms));
    }, ms);
    pending.then(
      (value) => {
        if (timedOut) onLate?.(value);
        else {
          clearTimeout(timer);
          resolve(value);
        }
      },
      (error: unknown) => {
        if (timedOut) return;
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the hook's own error, as thrown
        reject(error);
      },
    );
  });
}
