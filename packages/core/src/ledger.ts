/**
 * Objects noted in this process, in the order they were noted, held weakly: noting one
 * never keeps it alive. `@Module` notes the classes it decorates and `provide()` the
 * providers it creates, so `start()` can spot one a generated manifest does not list.
 */
export class WeakLedger<T extends object> {
  private readonly entries = new Set<{ readonly ref: WeakRef<T>; readonly seq: number }>();
  private readonly forget = new FinalizationRegistry<{ readonly ref: WeakRef<T>; readonly seq: number }>(
    (entry) => this.entries.delete(entry),
  );
  private noted = 0;

  note(value: T): void {
    const entry = { ref: new WeakRef(value), seq: this.noted++ };
    this.entries.add(entry);
    this.forget.register(value, entry);
  }

  /** How many objects were ever noted, alive or not. */
  get count(): number {
    return this.noted;
  }

  /** The noted objects still alive, in order; with `since`, only those noted after the first `since`. */
  alive(since = 0): T[] {
    const alive: T[] = [];
    for (const { ref, seq } of this.entries) {
      const value = seq >= since ? ref.deref() : undefined;
      if (value !== undefined) alive.push(value);
    }
    return alive;
  }
}
