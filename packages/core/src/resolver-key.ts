/**
 * The interface key of `Resolver` in manifests: a parameter typed `Resolver` is recorded as
 * `{ iface: RESOLVER_KEY, inject: "resolver" }` and receives the container that builds the module.
 */
export const RESOLVER_KEY = "@modreg/core#Resolver";
