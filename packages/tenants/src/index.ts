export { emptyTenantState } from "./store.js";
export type { FlagValue, TenantChange, TenantState, TenantStore } from "./store.js";
export { createMemoryStore } from "./memory-store.js";
export type { MemoryStoreSeed } from "./memory-store.js";
