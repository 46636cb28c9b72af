import { Module, type TenantContext } from "@modreg/core";
import type { Router } from "express";
import { type Database } from "../database.js";

/** A to-do list per tenant; bulk import behind the "bulk-import" flag. */
@Module({ id: "tasks", version: "2.0.0", tenant: true, metadata: { displayName: "Tasks" } })
export class Tasks {
  constructor(
    private readonly tenant: TenantContext,
    private readonly db: Database,
  ) {}

  list(): string[] {
    return this.db.rows<string>(this.tenant.tenantId, "tasks");
  }

  routes(router: Router): void {
    router.get("/tasks", (_req, res) => {
      res.json({ tenant: this.tenant.tenantId, tasks: this.list() });
    });
    router.post("/tasks", (req, res) => {
      const title = typeof req.query["title"] === "string" ? req.query["title"] : "untitled";
      this.list().push(title);
      res.status(201).json({ tasks: this.list() });
    });
    router.post("/tasks/bulk", (_req, res) => {
      if (!this.tenant.isEnabled("bulk-import")) {
        res
          .status(403)
          .json({ code: "FEATURE_DISABLED", message: 'feature "bulk-import" is off for this tenant.' });
        return;
      }
      this.list().push("imported 1", "imported 2");
      res.status(201).json({ tasks: this.list() });
    });
  }
}
