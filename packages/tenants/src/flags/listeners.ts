/** `onChange` listeners: a throwing listener is reported, never breaks the caller. */
export class Listeners {
  private readonly listeners = new Set<(tenantId: string) => void>();

  constructor(private readonly warn: (message: string) => void) {}

  add(listener: (tenantId: string) => void): () => void {
    const own = (tenantId: string) => listener(tenantId); // the same function may be added twice
    this.listeners.add(own);
    return () => void this.listeners.delete(own);
  }

  emit(tenantId: string): void {
    for (const listener of this.listeners) {
      try {
        listener(tenantId);
      } catch (error) {
        this.warn(`modreg flags: an onChange listener threw for tenant "${tenantId}": ${String(error)}`);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
