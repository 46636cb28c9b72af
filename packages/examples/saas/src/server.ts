/**
 * The SaaS server: shared modules in the app's container, tenant modules per tenant, their
 * routes under /api for the tenants that enabled them, and an admin API to change tenants.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Container, ModuleRegistryError, createContainer } from "@modreg/core";
import { type TenantHost, type TenantStore, createMemoryStore, createTenantHost } from "@modreg/tenants";
import { type FeatureSource, requireFeature, tenantRoutes } from "@modreg/tenants/express";
import express, { type NextFunction, type Request, type Response } from "express";
import { manifest } from "./modules.generated.js";

/** The flag service the server can use: `createFlags` from `@modreg/tenants`, or the store itself. */
export interface SaasFlags extends FeatureSource {
  update(tenantId: string, patch: Record<string, boolean | string | number | null>): Promise<unknown>;
  onChange?(listener: (tenantId: string) => void): () => void;
  onResync?(listener: () => void): () => void;
  invalidate?(tenantId: string): Promise<void>;
  stats?(): unknown;
  /** Called by `close()` (the flag service's Redis connections). */
  close?(): Promise<void>;
}

export interface SaasOptions {
  readonly store?: TenantStore;
  readonly flags?: SaasFlags;
  readonly port?: number;
  readonly host?: string;
  readonly log?: (message: string) => void;
}

export interface SaasServer {
  readonly url: string;
  readonly app: Container;
  readonly tenants: TenantHost;
  close(): Promise<void>;
}

/** Flags read straight from the tenant store: the embedded default when no flag service is given. */
export function storeFlags(store: TenantStore): SaasFlags {
  return {
    isEnabled: async (tenantId, flag) => (await store.read(tenantId))?.flags[flag] === true,
    update: (tenantId, patch) =>
      store.update(tenantId, (current) => {
        const flags: Record<string, boolean | string | number> = { ...current.flags };
        for (const [name, value] of Object.entries(patch)) {
          if (value === null) delete flags[name];
          else flags[name] = value;
        }
        return { flags };
      }),
  };
}

const STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  MODULE_NOT_FOUND: 404,
  TENANT_NOT_FOUND: 404,
  TENANT_NOT_LOADED: 404,
  MODULE_DEPENDENCY_MISSING: 409,
  MODULE_IN_USE: 409,
  MODULE_VERSION_MISMATCH: 409,
  MODULE_CIRCULAR_DEPENDENCY: 409,
  MODULE_LOAD_FAILED: 500,
  STORE_FAILED: 503,
};

function sendError(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (!ModuleRegistryError.is(error)) {
    next(error);
    return;
  }
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.modules !== undefined) body["modules"] = error.modules;
  res.status(STATUS[error.code] ?? 500).json(body);
}

/** Wraps an async admin handler so its rejection reaches the error handler. */
const handle =
  (fn: (req: Request, res: Response) => Promise<unknown>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    fn(req, res).catch(next);
  };

/** Starts the app's container, the tenant host and the HTTP server. */
export async function startSaas(options: SaasOptions = {}): Promise<SaasServer> {
  const log = options.log ?? ((message: string) => console.log(message));
  const store = options.store ?? createMemoryStore();
  const flags = options.flags ?? storeFlags(store);
  const app = createContainer(manifest);
  await app.start();
  const tenants = createTenantHost(app, {
    store,
    ...(flags.onChange && { flags: { onChange: flags.onChange.bind(flags), ...hostFlagExtras(flags) } }),
    onWarning: (message) => log(`warning: ${message}`),
  });

  const web = express();
  web.use(express.json());
  web.get("/reports/advanced", requireFeature(flags, "advanced-reporting"), (_req, res) => {
    const tenant = res.locals["tenantId"] as string | undefined;
    res.json({ tenant: tenant ?? null, report: "revenue by clinic, last 90 days" });
  });
  web.use("/api", tenantRoutes(tenants));

  const admin = express.Router();
  admin.get("/modules", (_req, res) => {
    res.json(
      tenants.catalog().map((m) => ({ ...m, dependencies: tenants.dependencyTree(m.id).dependencies })),
    );
  });
  admin.post(
    "/tenants/:tenant",
    handle(async (req, res) => {
      const body = (req.body ?? {}) as {
        modules?: string[];
        flags?: Record<string, boolean | string | number>;
      };
      await tenants.create(param(req, "tenant"), body);
      res.status(201).json({ created: param(req, "tenant") });
    }),
  );
  admin.get(
    "/tenants/:tenant",
    handle(async (req, res) => {
      const tenantId = param(req, "tenant");
      await tenants.load(tenantId);
      const state = await store.read(tenantId);
      res.json({ tenant: tenantId, modules: tenants.modulesOf(tenantId), flags: state?.flags ?? {} });
    }),
  );
  admin.post(
    "/tenants/:tenant/modules/:module",
    handle(async (req, res) => {
      const enabled = await tenants.enable(param(req, "tenant"), param(req, "module"), {
        withDependencies: req.query["withDependencies"] === "true",
      });
      res.json({ enabled });
    }),
  );
  admin.delete(
    "/tenants/:tenant/modules/:module",
    handle(async (req, res) => {
      const disabled = await tenants.disable(param(req, "tenant"), param(req, "module"), {
        withDependents: req.query["withDependents"] === "true",
      });
      res.json({ disabled });
    }),
  );
  admin.patch(
    "/tenants/:tenant/flags",
    handle(async (req, res) => {
      const tenantId = param(req, "tenant");
      await flags.update(tenantId, (req.body ?? {}) as Record<string, boolean | string | number | null>);
      // without pub/sub this instance applies the change itself (when.feature, TenantContext.flags)
      if (tenants.loaded().includes(tenantId)) await tenants.refresh(tenantId);
      res.json({ flags: (await store.read(tenantId))?.flags ?? {} });
    }),
  );
  admin.get("/stats", (_req, res) => {
    res.json(tenants.stats());
  });
  web.use("/admin", admin);
  web.use((_req, res) => {
    res.status(404).json({ code: "NOT_FOUND", message: "no such route (for this tenant)" });
  });
  web.use(sendError);

  const server = await new Promise<Server>((resolve) => {
    const s = web.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    app,
    tenants,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tenants.dispose();
      await app.dispose();
      await flags.close?.();
      await store.close?.();
    },
  };
}

function hostFlagExtras(flags: SaasFlags) {
  return {
    ...(flags.invalidate && { invalidate: flags.invalidate.bind(flags) }),
    ...(flags.onResync && { onResync: flags.onResync.bind(flags) }),
    ...(flags.stats && { stats: flags.stats.bind(flags) }),
  };
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === "string" ? value : "";
}
