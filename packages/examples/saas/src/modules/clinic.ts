import { Module, type TenantContext } from "@modreg/core";
import type { Router } from "express";
import { type EmailService } from "./email-service.js";
import { type HrCore } from "./hr-core.js";

/** Appointments with the tenant's staff; sends a confirmation when email is enabled. */
@Module({
  id: "clinic",
  version: "0.3.0",
  tenant: true,
  dependencies: ["hr-core@^1.0.0"],
  metadata: { displayName: "Clinic" },
})
export class Clinic {
  private readonly appointments: { patient: string; with: string }[] = [];

  constructor(
    private readonly tenant: TenantContext,
    private readonly hr: HrCore,
    private readonly email?: EmailService,
  ) {}

  book(patient: string): { patient: string; with: string; confirmed: boolean } {
    const doctor = this.hr.employees()[0]?.name ?? "anyone";
    this.appointments.push({ patient, with: doctor });
    this.email?.send(patient, `appointment with ${doctor}`);
    return { patient, with: doctor, confirmed: this.email !== undefined };
  }

  routes(router: Router): void {
    router.get("/clinic/appointments", (_req, res) => {
      res.json({ tenant: this.tenant.tenantId, appointments: this.appointments });
    });
    router.post("/clinic/appointments", (req, res) => {
      const patient = typeof req.query["patient"] === "string" ? req.query["patient"] : "anonymous";
      res.status(201).json(this.book(patient));
    });
  }
}
