export { emptyTenantState } from "./store.js";
export type { FlagValue, TenantChange, TenantState, TenantStore } from "./store.js";
export { createMemoryStore } from "./memory-store.js";
export type { MemoryStoreSeed } from "./memory-store.js";
export { createTenantHost } from "./host.js";
export type {
  DisableOptions,
  EnableOptions,
  TenantHost,
  TenantHostFlags,
  TenantHostOptions,
  TenantHostStats,
} from "./host.js";
export type { CanDisable, CanEnable, DependencyTree } from "./catalog.js";
export type { TenantModuleInfo } from "./tenant.js";
export { tenantContext } from "@modreg/core";
export type { TenantContext } from "@modreg/core";
export { createFlags } from "./flags/index.js";
export type {
  FlagPatch,
  Flags,
  FlagsOptions,
  FlagStats,
  FlagType,
  OpenFeatureClientLike,
  RedisClientLike,
  TierStats,
} from "./flags/types.js";
