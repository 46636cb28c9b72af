import { Module, type TenantContext } from "@modreg/core";
import type { Router } from "express";

/** Outgoing mail for a tenant (kept in an outbox here). */
@Module({ id: "email-service", version: "1.0.0", tenant: true, metadata: { displayName: "Email" } })
export class EmailService {
  readonly outbox: { to: string; subject: string }[] = [];

  constructor(private readonly tenant: TenantContext) {}

  send(to: string, subject: string): void {
    this.outbox.push({ to, subject: `[${this.tenant.tenantId}] ${subject}` });
  }

  routes(router: Router): void {
    router.get("/email/outbox", (_req, res) => {
      res.json({ outbox: this.outbox });
    });
  }
}
