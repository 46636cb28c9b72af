export {
  Module,
  MODULE_OPTIONS,
  checkModuleOptions,
  decoratedClasses,
  moduleOptionsOf,
  parseDependencySpec,
} from "./decorator.js";
export type { DependencySpec, ModuleOptions } from "./decorator.js";
export { ModuleRegistryError, formatPath } from "./errors.js";
export type { ModuleRegistryErrorCode, ModuleRegistryErrorDetails } from "./errors.js";
export {
  DependencyGraph,
  compareIds,
  findCycles,
  reachable,
  reverseEdges,
  topologicalOrder,
} from "./graph.js";
export type { Adjacency, OrderResult, TraversalOptions } from "./graph.js";
export { satisfiesRange } from "./versions.js";
export { MANIFEST_FORMAT_VERSION, defineManifest } from "./manifest.js";
export type {
  ClassRecord,
  ConditionRecord,
  Constructor,
  DependencyRecord,
  InjectionKind,
  Manifest,
  MetadataValue,
  ModuleRecord,
  ProviderRecord,
  RecordFields,
  Resolve,
  Scope,
  SourceLocation,
} from "./manifest.js";
export { unpackManifest } from "./packed.js";
export type { PackedManifest } from "./packed.js";
export type { ModuleHandle } from "./node.js";
export { isProvider, provide } from "./provider.js";
export type { Provided, Provider, ProviderHooks, ProviderOptions } from "./provider.js";
export { scopeValue } from "./scope-value.js";
export type { ScopeValueFunction } from "./scope-value.js";
export type { ContainerScope, ScopeOptions } from "./scope.js";
export { findCaptive } from "./captive.js";
export type { CaptiveEdge, CaptivePath } from "./captive.js";
export { isToken, token } from "./tokens.js";
export { interfaceName } from "./keys.js";
export { TENANT_CONTEXT_KEY, tenantContext } from "./tenant-context.js";
export type { TenantContext } from "./tenant-context.js";
export type { Token } from "./tokens.js";
export type {
  ArgsOf,
  ClassArgs,
  DeferredArgs,
  Factory,
  InstanceOf,
  Lazy,
  MODULE_ARGS,
  ModuleArgs,
  ModuleId,
  ModuleKey,
  ModuleRegistry,
  RegistryOf,
  RuntimeArgs,
  UntypedId,
} from "./types.js";
export { RESOLVER_KEY } from "./resolver.js";
export type { Resolver } from "./resolver.js";
export type { ShutdownOptions } from "./shutdown.js";
export { createContainer } from "./container.js";
export type {
  ChildOptions,
  Container,
  ContainerEvents,
  ContainerGraph,
  ContainerOptions,
  ContainerStats,
  DependencyInfo,
  DiscoverQuery,
  ModuleInfo,
  ModuleState,
  Override,
  RegisterOptions,
  StartOptions,
} from "./container-types.js";
