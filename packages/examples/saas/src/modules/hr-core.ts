import { Module, type TenantContext } from "@modreg/core";
import type { Router } from "express";
import { type Database } from "../database.js";

export interface Employee {
  readonly id: number;
  readonly name: string;
}

/** People and roles: the base other HR modules build on. */
@Module({ id: "hr-core", version: "1.2.0", tenant: true, metadata: { displayName: "HR core" } })
export class HrCore {
  constructor(
    private readonly tenant: TenantContext,
    private readonly db: Database,
  ) {}

  onInit(): void {
    const staff = this.employees();
    if (staff.length === 0) staff.push({ id: 1, name: `Ada (${this.tenant.tenantId})` });
  }

  employees(): Employee[] {
    return this.db.rows<Employee>(this.tenant.tenantId, "employees");
  }

  routes(router: Router): void {
    router.get("/hr/employees", (_req, res) => {
      res.json({ tenant: this.tenant.tenantId, employees: this.employees() });
    });
  }
}
