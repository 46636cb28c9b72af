/**
 * `@modreg/tenants/openfeature` for CommonJS (`require`): the same provider as the ES entry
 * (openfeature.ts), the SDK loaded with `require` — the copy a CommonJS app's OpenFeature API
 * uses — instead of a top-level `await import()`, which CommonJS has not. Built only into
 * dist/cjs (tsconfig.cjs.json), where package.json's `require` condition points.
 */
import { requirePeer } from "./peers.js";
import { type OpenFeatureSdk, useSdk } from "./openfeature/provider.js";

useSdk(requirePeer<OpenFeatureSdk>("@openfeature/server-sdk", "@modreg/tenants/openfeature"));

export { ModregFlagProvider } from "./openfeature/provider.js";
