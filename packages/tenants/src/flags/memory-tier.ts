/** The per-instance tier: a Map with a TTL per entry and a size bound, read synchronously. */

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

export class MemoryTier<V> {
  private readonly entries = new Map<string, Entry<V>>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The cached value, counting a hit or a miss. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt > Date.now()) {
      this.hits++;
      return entry.value;
    }
    this.misses++;
    if (entry !== undefined) this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key); // re-inserted last: Map order is the eviction order
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every key `matches` accepts (all keys without it). */
  clear(matches?: (key: string) => boolean): void {
    if (matches === undefined) this.entries.clear();
    else for (const key of this.entries.keys()) if (matches(key)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
