import { type Token, token } from "./tokens.js";

/**
 * The tenant a per-tenant module (`@Module({ tenant: true })`) was built for: inject it as a
 * constructor parameter typed `TenantContext` (the codegen recognises it, like `Lazy`), or
 * `get(tenantContext)` in a tenant's container. `@modreg/tenants` provides it to each
 * tenant's container; a shared module cannot inject it (MR3017).
 *
 * @example
 * @Module({ id: "tasks", tenant: true })
 * export class Tasks {
 *   constructor(private readonly tenant: TenantContext) {}
 *   title() { return `tasks of ${this.tenant.tenantId}`; }
 * }
 */
export interface TenantContext {
  readonly tenantId: string;
  /** The tenant's flags as last read from the tenant store; kept current by the tenant host. */
  readonly flags: Readonly<Record<string, boolean | string | number>>;
  /** True when the flag is `true` for this tenant. */
  isEnabled(flag: string): boolean;
}

/** The interface key of `TenantContext` in manifests (`{ iface: TENANT_CONTEXT_KEY }`). */
export const TENANT_CONTEXT_KEY = "@modreg/core#TenantContext";

/** The token a tenant's container provides `TenantContext` under. */
export const tenantContext: Token<TenantContext> = token<TenantContext>(TENANT_CONTEXT_KEY);
