/**
 * `@modreg/tenants/openfeature`: these flags behind the OpenFeature API. The tenant id is the
 * evaluation context's targeting key; a change made through `flags.update` (on any instance)
 * is announced as `PROVIDER_CONFIGURATION_CHANGED`.
 *
 * @example
 * import { OpenFeature } from "@openfeature/server-sdk";
 * import { ModregFlagProvider } from "@modreg/tenants/openfeature";
 * await OpenFeature.setProviderAndWait(new ModregFlagProvider(flags));
 * const client = OpenFeature.getClient();
 * await client.getBooleanValue("advanced-reporting", false, { targetingKey: "tenant_123" });
 */
import { importPeer } from "./peers.js";
import { useSdk } from "./openfeature/provider.js";

// An ES import (the copy an ES app's OpenFeature API uses), so error classes and events match it.
useSdk(
  await importPeer(
    "@openfeature/server-sdk",
    "@modreg/tenants/openfeature",
    () => import("@openfeature/server-sdk"),
  ),
);

export { ModregFlagProvider } from "./openfeature/provider.js";
