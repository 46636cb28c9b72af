/** `createFlags`: the feature-flag service over a tenant store or an OpenFeature client. */
import { checkFlagsOptions } from "./options.js";
import { createOpenFeatureFlags } from "./openfeature-flags.js";
import { createStoreFlags } from "./store-flags.js";
import type { Flags, FlagsOptions } from "./types.js";

/**
 * Per-tenant feature flags, cached in two tiers over a source of truth.
 *
 * @example
 * const flags = createFlags({ store, redis: process.env.REDIS_URL });
 * if (await flags.isEnabled("tenant_123", "advanced-reporting")) { … }
 * await flags.update("tenant_123", { "advanced-reporting": true, "bulk-import": null });
 */
export function createFlags(options: FlagsOptions): Flags {
  const checked = checkFlagsOptions(options);
  return checked.store !== undefined
    ? createStoreFlags(checked.store, checked)
    : createOpenFeatureFlags(checked.source as NonNullable<typeof checked.source>, checked);
}
