/**
 * Express middleware for a tenant host: guards for modules and feature flags (403 with a
 * JSON `{ code, message }`), and the routes tenant modules contribute, mounted only for the
 * tenants that enabled them. The only file that imports `express` (an optional peer).
 */
import { ModuleRegistryError, type ModuleRegistryErrorCode } from "@modreg/core";
import type * as ExpressModule from "express";
import type { NextFunction, Request, RequestHandler, Response, Router } from "express";
import type { TenantHost } from "./host.js";
import { requirePeer } from "./peers.js";

const express = requirePeer<typeof ExpressModule>("express", "@modreg/tenants/express");

/** Where a request's tenant id comes from: a header name, the first label of the host name, or a function. */
export type TenantResolver =
  // `string & {}` keeps "subdomain" in editors' completions
  (string & {}) | "subdomain" | ((req: Request) => string | undefined | Promise<string | undefined>);

export interface TenantRequestOptions {
  /** Default: the `x-tenant-id` header. */
  readonly tenant?: TenantResolver;
  /** Load the tenant on this instance when it is not loaded yet. Default `true`. */
  readonly load?: boolean;
}

/** What `requireFeature` needs of a flag service (`createFlags`). */
export interface FeatureSource {
  isEnabled(tenantId: string, flag: string): Promise<boolean>;
  /** Answered from memory when cached: no promise on the hot path. */
  isEnabledCached?(tenantId: string, flag: string): boolean | undefined;
}

/** A tenant module that contributes routes: `routes(router)` is called once per instance. */
export interface RouteContributor {
  routes(router: Router): void;
}

const STATUS: Partial<Record<ModuleRegistryErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  TENANT_NOT_FOUND: 404,
  MODULE_NOT_ENABLED: 403,
  FEATURE_DISABLED: 403,
  STORE_FAILED: 503,
  STORE_CONFLICT: 503,
};

/** Sends a coded error as `{ code, message }` with its status; anything else goes to Express. */
function reply(res: Response, next: NextFunction, error: unknown): void {
  if (!ModuleRegistryError.is(error)) {
    next(error);
    return;
  }
  res.status(STATUS[error.code] ?? 500).json({ code: error.code, message: error.message });
}

/** The tenant id of a request, or `INVALID_ARGUMENT` saying where it was looked for. */
export async function tenantOf(req: Request, resolver: TenantResolver = "x-tenant-id"): Promise<string> {
  let id: string | undefined;
  if (typeof resolver === "function") id = await resolver(req);
  else if (resolver === "subdomain") {
    const labels = req.hostname.split(".");
    id = labels.length >= 2 && !/^\d+$/.test(labels.at(-1)!) ? labels[0] : undefined;
  } else id = req.get(resolver);
  if (typeof id !== "string" || id === "") {
    const where =
      typeof resolver === "function"
        ? "the tenant resolver"
        : resolver === "subdomain"
          ? "the subdomain"
          : `the ${resolver} header`;
    throw new ModuleRegistryError("INVALID_ARGUMENT", `no tenant in this request: expected it in ${where}.`);
  }
  return id;
}

async function loadedTenant(
  host: TenantHost,
  req: Request,
  res: Response,
  options: TenantRequestOptions,
): Promise<string> {
  const id = await tenantOf(req, options.tenant);
  if (options.load !== false && !host.loaded().includes(id)) await host.load(id);
  res.locals["tenantId"] = id;
  return id;
}

/**
 * Lets a request through only when its tenant has `moduleId` enabled; otherwise 403
 * `{ code: "MODULE_NOT_ENABLED", message }` (404 `TENANT_NOT_FOUND` for an unknown tenant).
 *
 * @example
 * router.use("/tasks", moduleGuard(tenants, "tasks", { tenant: "subdomain" }));
 */
export function moduleGuard(
  host: TenantHost,
  moduleId: string,
  options: TenantRequestOptions = {},
): RequestHandler {
  return (req, res, next) => {
    loadedTenant(host, req, res, options)
      .then((tenantId) => {
        if (host.isEnabled(tenantId, moduleId)) {
          next();
          return;
        }
        throw new ModuleRegistryError(
          "MODULE_NOT_ENABLED",
          `module "${moduleId}" is not enabled for tenant "${tenantId}".`,
          { moduleId },
        );
      })
      .catch((error: unknown) => reply(res, next, error));
  };
}

/**
 * Lets a request through only when the flag is on for its tenant; otherwise 403
 * `{ code: "FEATURE_DISABLED", message }`. Reads the memory tier synchronously when it can.
 */
export function requireFeature(
  flags: FeatureSource,
  flag: string,
  options: Omit<TenantRequestOptions, "load"> = {},
): RequestHandler {
  const refuse = (tenantId: string) =>
    new ModuleRegistryError("FEATURE_DISABLED", `feature "${flag}" is off for tenant "${tenantId}".`);
  return (req, res, next) => {
    const header =
      typeof options.tenant === "string" && options.tenant !== "subdomain"
        ? req.get(options.tenant)
        : undefined;
    const fast = header ?? (options.tenant === undefined ? req.get("x-tenant-id") : undefined);
    const cached = fast === undefined ? undefined : flags.isEnabledCached?.(fast, flag);
    if (cached === true) {
      next();
      return;
    }
    tenantOf(req, options.tenant)
      .then(async (tenantId) => {
        if (await flags.isEnabled(tenantId, flag)) next();
        else throw refuse(tenantId);
      })
      .catch((error: unknown) => reply(res, next, error));
  };
}

/**
 * The routes of tenant modules, for the request's tenant: each enabled, ready module with a
 * `routes(router)` method gets its own router (made once per instance, so a module enabled
 * again gets fresh routes); a module the tenant has not enabled has no routes for it.
 *
 * @example
 * app.use("/api", tenantRoutes(tenants, { tenant: "x-tenant-id" }));
 */
export function tenantRoutes(host: TenantHost, options: TenantRequestOptions = {}): RequestHandler {
  const routers = new WeakMap<object, Router>();
  const routerOf = (instance: RouteContributor): Router => {
    let router = routers.get(instance);
    if (router === undefined) {
      router = express.Router();
      instance.routes(router);
      routers.set(instance, router);
    }
    return router;
  };
  return (req, res, next) => {
    loadedTenant(host, req, res, options)
      .then((tenantId) => {
        const contributors = host
          .modulesOf(tenantId)
          .filter((m) => m.state === "ready")
          .map((m) => host.get<unknown>(tenantId, m.id))
          .filter(
            (i): i is RouteContributor =>
              typeof (i as Partial<RouteContributor> | null)?.routes === "function",
          );
        const run = (i: number, error?: unknown): void => {
          if (error !== undefined && error !== "router") {
            next(error);
            return;
          }
          const contributor = contributors[i];
          if (contributor === undefined) next();
          else routerOf(contributor)(req, res, (e?: unknown) => run(i + 1, e));
        };
        run(0);
      })
      .catch((error: unknown) => reply(res, next, error));
  };
}
