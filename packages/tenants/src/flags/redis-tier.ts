/**
 * The shared tier: one Redis key per tenant (`<prefix><tenantId>` → `<revision>|<flags JSON>`,
 * with a TTL) and a pub/sub channel on which every instance hears that a tenant changed.
 *
 * Writes are revision-guarded (a Lua script refuses to replace a newer revision), so a slow
 * reader can never put back flags older than an update that already refreshed the key. When
 * Redis is unreachable or slow, every call resolves as a miss: callers fall back to memory and
 * the store; the outage is reported once, and when it ends the tenants changed meanwhile are
 * re-announced and `onReconnect` lets the caller drop what it may have missed.
 */
import { randomUUID } from "node:crypto";
import type { FlagValue } from "../store.js";
import { isFlagValue } from "../validate.js";
import type { RedisClientLike } from "./types.js";

/** A tenant's flags at a revision, as cached. */
export interface CachedFlags {
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly revision: number;
}

/** `SET key value EX ttl` unless the key holds a higher revision. */
const GUARDED_SET = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local r = tonumber(string.match(cur, '^(%d+)|'))
  if r and r > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

export interface RedisTierOptions {
  readonly client: RedisClientLike;
  /** True when the tier created the client and must close it. */
  readonly owned: boolean;
  readonly keyPrefix: string;
  readonly channel: string;
  readonly ttlSeconds: number;
  readonly timeoutMs: number;
  readonly warn: (message: string) => void;
  /** Another instance changed this tenant. */
  readonly onRemoteChange: (tenantId: string) => void;
  /** Redis is back after an outage: invalidations may have been missed. */
  readonly onReconnect: () => void;
}

/** A command waiting for Redis: settled with its reply, or with `failed` by the watchdog. */
interface Pending {
  readonly started: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly settle: (reply: unknown) => unknown;
}

/**
 * `new Promise(capture)` hands out its resolve and reject functions without a closure per
 * command (a promise executor runs synchronously, so `captured` is read right after).
 */
let capturedResolve: (value: never) => void = () => undefined;
let capturedReject: (error: unknown) => void = () => undefined;
const capture = (resolve: (value: never) => void, reject: (error: unknown) => void): void => {
  capturedResolve = resolve;
  capturedReject = reject;
};

/**
 * Settles a command's caller with `settle(reply)`; a throw there (the caller's continuation,
 * or decoding the reply) rejects the caller instead of leaving it waiting forever.
 */
function finish(pending: Pending, reply: unknown): void {
  try {
    pending.resolve(pending.settle(reply));
  } catch (error) {
    pending.reject(error);
  }
}

class Timeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

export class RedisTier {
  readonly origin = randomUUID();
  hits = 0;
  misses = 0;
  errors = 0;
  received = 0;
  private down = false;
  /** Tenants changed while Redis was down: re-announced when it is back. */
  private readonly pending = new Set<string>();
  private readonly subscriber: RedisClientLike;
  private readonly connecting: Promise<void>;
  private closed = false;
  /** Commands waiting for Redis, checked against `timeoutMs` by the watchdog. */
  private readonly inflight = new Set<Pending>();
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly o: RedisTierOptions) {
    const { client } = o;
    const subscriber = client.duplicate();
    this.subscriber = subscriber;
    const onError = (error: unknown) => this.outage(error);
    client.on("error", onError);
    this.subscriber.on("error", onError);
    // The subscriber reconnects and re-subscribes by itself; what was published meanwhile is lost.
    let subscribedOnce = false;
    this.subscriber.on("ready", () => {
      if (subscribedOnce) this.recovered();
    });
    client.on("ready", () => {
      if (this.down) this.recovered();
    });
    this.connecting = (async () => {
      if (!client.isOpen) await client.connect();
      await subscriber.connect();
      await subscriber.subscribe(o.channel, (message) => this.message(message));
      subscribedOnce = true;
    })();
    this.connecting.catch((error: unknown) => this.outage(error));
  }

  /** Resolves once both connections are up and subscribed. */
  ready(): Promise<void> {
    return this.connecting;
  }

  get available(): boolean {
    return !this.down && this.o.client.isReady;
  }

  /**
   * Reads the tenant's cached flags and resolves to `then(flags)`, with `undefined` on a miss, a
   * malformed value or an outage. The hot path of a flag check past the memory tier: `then`
   * runs in the reply's own callback, so a hit costs one promise hop over the client's reply.
   * It always settles: when `then` throws, the returned promise rejects with what it threw.
   */
  get<R>(tenantId: string, then: (cached: CachedFlags | undefined) => R | PromiseLike<R>): Promise<R> {
    if (!this.usable()) {
      try {
        return Promise.resolve(then(undefined));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return this.track(this.o.client.get(this.o.keyPrefix + tenantId), (raw) =>
      then(raw === failed ? undefined : this.decodeReply(raw)),
    );
  }

  /** Caches what was read from the store (never over a newer revision). */
  async put(tenantId: string, cached: CachedFlags): Promise<void> {
    if (this.usable()) await this.track(this.guardedSet(tenantId, cached), same);
  }

  /** After an update: refreshes the key, then tells every instance. Never throws. */
  async changed(tenantId: string, cached: CachedFlags | undefined): Promise<void> {
    const key = this.o.keyPrefix + tenantId;
    const refreshed = this.usable()
      ? await this.track(
          cached === undefined ? this.o.client.del(key) : this.guardedSet(tenantId, cached),
          same,
        )
      : failed;
    const published =
      refreshed !== failed && this.usable()
        ? await this.track(
            this.o.client.publish(this.o.channel, JSON.stringify({ t: tenantId, o: this.origin })),
            same,
          )
        : failed;
    if (published === failed) this.pending.add(tenantId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    for (const pending of this.inflight) finish(pending, failed);
    this.inflight.clear();
    await this.connecting.catch(() => undefined);
    await end(this.subscriber, this.o.timeoutMs);
    if (this.o.owned) await end(this.o.client, this.o.timeoutMs);
  }

  private guardedSet(tenantId: string, cached: CachedFlags): Promise<unknown> {
    return this.o.client.eval(GUARDED_SET, {
      keys: [this.o.keyPrefix + tenantId],
      arguments: [String(cached.revision), encode(cached), String(this.o.ttlSeconds)],
    });
  }

  /** A reply of `GET` as flags, counted as a hit or a miss. */
  private readonly decodeReply = (raw: unknown): CachedFlags | undefined => {
    const cached = typeof raw === "string" ? decode(raw) : undefined;
    if (cached === undefined) this.misses++;
    else this.hits++;
    return cached;
  };

  /** False (and counted as an error, reported as an outage) when no command can be sent now. */
  private usable(): boolean {
    if (!this.closed && this.o.client.isReady) return true;
    this.errors++;
    if (!this.closed) this.outage(new Error("the client is not connected"));
    return false;
  }

  /**
   * Waits for a command already sent, with a deadline: resolves to `settle(reply)`, or to
   * `settle(failed)` on an error or a timeout. One shared watchdog timer enforces the deadlines
   * (a timer per command would cost every read).
   */
  private track<T, R>(
    sent: Promise<T>,
    settle: (reply: T | typeof failed) => R | PromiseLike<R>,
  ): Promise<R> {
    // Only a command sent during an outage proves it is over; one sent before it may still succeed.
    const sentWhileDown = this.down;
    const promise = new Promise<R>(capture);
    const pending: Pending = {
      started: Date.now(),
      resolve: capturedResolve as (value: unknown) => void,
      reject: capturedReject,
      settle: settle as (reply: unknown) => unknown,
    };
    this.inflight.add(pending);
    this.armWatchdog();
    sent.then(
      (reply) => {
        if (!this.inflight.delete(pending)) return; // timed out already
        if (sentWhileDown && this.down) this.recovered();
        finish(pending, reply);
      },
      (error: unknown) => {
        if (!this.inflight.delete(pending)) return;
        this.errors++;
        this.outage(error);
        finish(pending, failed);
      },
    );
    return promise;
  }

  private armWatchdog(): void {
    if (this.watchdog !== undefined) return;
    const { timeoutMs } = this.o;
    this.watchdog = setInterval(
      () => {
        const now = Date.now();
        for (const pending of this.inflight) {
          if (now - pending.started < timeoutMs) continue;
          this.inflight.delete(pending);
          this.errors++;
          this.outage(new Timeout(timeoutMs));
          finish(pending, failed);
        }
        if (this.inflight.size === 0) {
          clearInterval(this.watchdog);
          this.watchdog = undefined;
        }
      },
      Math.max(5, Math.ceil(timeoutMs / 4)),
    );
    this.watchdog.unref();
  }

  private message(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const { t, o } = (parsed ?? {}) as { t?: unknown; o?: unknown };
    if (typeof t !== "string" || o === this.origin) return;
    this.received++;
    this.o.onRemoteChange(t);
  }

  private outage(error: unknown): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.o.warn(
      `modreg flags: Redis is unavailable (${describe(error)}); serving flags from memory and the store until it is back`,
    );
  }

  /** Both connections are up again (a `ready` event, or a command answered during an outage). */
  private recovered(): void {
    // The two connections come back one at a time: wait for the second.
    if (this.closed || !this.o.client.isReady || !this.subscriber.isReady) return;
    const wasDown = this.down;
    this.down = false;
    if (wasDown) this.o.warn("modreg flags: Redis is back; the shared tier is in use again");
    this.o.onReconnect();
    const pending = [...this.pending];
    this.pending.clear();
    for (const tenantId of pending) void this.changed(tenantId, undefined);
  }
}

const failed = Symbol("failed");
const same = <T>(reply: T): T => reply;

function encode(cached: CachedFlags): string {
  return `${cached.revision}|${JSON.stringify(cached.flags)}`;
}

/** `<revision>|<flags JSON>` back to flags; anything malformed is a miss (the store answers instead). */
function decode(raw: string): CachedFlags | undefined {
  const bar = raw.indexOf("|");
  const revision = Number(raw.slice(0, bar));
  if (bar < 1 || !Number.isSafeInteger(revision)) return undefined;
  let flags: unknown;
  try {
    flags = JSON.parse(raw.slice(bar + 1));
  } catch {
    return undefined;
  }
  // JSON.parse makes plain objects with own properties only (even "__proto__"): checking the
  // values is enough, without the copy that checkFlags makes of caller input.
  if (typeof flags !== "object" || flags === null || Array.isArray(flags)) return undefined;
  for (const key in flags) if (!isFlagValue((flags as Record<string, unknown>)[key])) return undefined;
  return { flags: Object.freeze(flags as Record<string, FlagValue>), revision };
}

/** Closes a connection politely (`QUIT`), or destroys it when Redis does not answer within `timeoutMs`. */
async function end(client: RedisClientLike, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!client.isOpen) return;
    if (!client.isReady) {
      client.destroy?.();
      return;
    }
    const closing = Promise.resolve(client.close ? client.close() : client.quit?.());
    closing.catch(() => undefined); // it may still fail after the deadline (destroyed)
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(timeoutMs)), timeoutMs);
    });
    await Promise.race([closing, late]);
  } catch {
    client.destroy?.();
  } finally {
    clearTimeout(timer);
  }
}
