import { ModuleRegistryError } from "@modreg/core";

/** `onChange` / `onResync` listeners: a throwing listener is reported, never breaks the caller. */
export class Listeners<A extends unknown[] = [tenantId: string]> {
  private readonly listeners = new Set<(...args: A) => void>();

  constructor(
    private readonly warn: (message: string) => void,
    private readonly event = "onChange",
  ) {}

  add(listener: (...args: A) => void): () => void {
    if (typeof listener !== "function") {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        `flags.${this.event}(listener): listener must be a function`,
      );
    }
    const own = (...args: A) => listener(...args); // the same function may be added twice
    this.listeners.add(own);
    return () => void this.listeners.delete(own);
  }

  emit(...args: A): void {
    for (const listener of this.listeners) {
      try {
        listener(...args);
      } catch (error) {
        const tenant = args.length > 0 ? ` for tenant "${String(args[0])}"` : "";
        this.warn(`modreg flags: an ${this.event} listener threw${tenant}: ${String(error)}`);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
