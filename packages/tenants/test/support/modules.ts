/** A small tenant app written as manifest records, the way the codegen writes them. */
import {
  type Constructor,
  type DependencyRecord,
  type Manifest,
  type ClassRecord,
  type ModuleRecord,
  TENANT_CONTEXT_KEY,
  type TenantContext,
  createContainer,
} from "@modreg/core";

type RecordOptions = Omit<ClassRecord, "id" | "class" | "create" | "provider">;

export function mod(id: string, cls: Constructor, options: RecordOptions = {}): ModuleRecord {
  const params = (options.deps ?? []).filter((d: DependencyRecord) => d.inject !== "none").length;
  const Ctor = cls as unknown as new (...args: unknown[]) => unknown;
  return {
    id,
    class: cls,
    create: (r, a) => new Ctor(...Array.from({ length: params }, (_, i) => r(i)), ...a),
    ...options,
  };
}

export const CONTEXT = { iface: TENANT_CONTEXT_KEY } as const;

/** What every module did, in order: `init hr-core@t1`, `dispose tasks@t2`. */
export const journal: string[] = [];
/** Module ids whose onInit throws, for failure tests. */
export const failing = new Set<string>();

abstract class Hooked {
  abstract readonly id: string;
  constructor(readonly tenant: TenantContext) {}
  onInit(): void {
    if (failing.has(`${this.id}@${this.tenant.tenantId}`) || failing.has(this.id)) {
      throw new Error(`${this.id} cannot start`);
    }
    journal.push(`init ${this.id}@${this.tenant.tenantId}`);
  }
  onDispose(): void {
    journal.push(`dispose ${this.id}@${this.tenant.tenantId}`);
  }
}

export class Database {
  readonly url = "memory://";
}
export class HrCore extends Hooked {
  readonly id = "hr-core";
  constructor(
    tenant: TenantContext,
    readonly db: Database,
  ) {
    super(tenant);
  }
}
export class EmailService extends Hooked {
  readonly id = "email-service";
}
export class Clinic extends Hooked {
  readonly id = "clinic";
  constructor(
    tenant: TenantContext,
    readonly hr: HrCore,
    readonly email: EmailService | undefined,
  ) {
    super(tenant);
  }
}
export class Tasks extends Hooked {
  readonly id = "tasks";
}
export class Reporting extends Hooked {
  readonly id = "reporting";
}
export class Payroll extends Hooked {
  readonly id = "payroll";
  constructor(
    tenant: TenantContext,
    readonly hr: HrCore,
  ) {
    super(tenant);
  }
}

export function appManifest(): Manifest {
  return {
    formatVersion: 1,
    modules: [
      mod("database", Database),
      mod("hr-core", HrCore, { version: "1.4.0", tenant: true, deps: [CONTEXT, { id: "database" }] }),
      mod("email-service", EmailService, { tenant: true, deps: [CONTEXT] }),
      mod("clinic", Clinic, {
        tenant: true,
        deps: [CONTEXT, { id: "hr-core", range: "^1.0.0" }, { id: "email-service", optional: true }],
      }),
      mod("tasks", Tasks, { tenant: true, deps: [CONTEXT] }),
      mod("reporting", Reporting, {
        tenant: true,
        when: { feature: ["advanced-reporting"] },
        deps: [CONTEXT],
      }),
      mod("payroll", Payroll, {
        tenant: true,
        version: "1.0.0",
        deps: [CONTEXT, { id: "hr-core", range: "^2.0.0" }],
      }),
    ],
  };
}

export async function startedApp() {
  const app = createContainer(appManifest());
  await app.start();
  return app;
}
