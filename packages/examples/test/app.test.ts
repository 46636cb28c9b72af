/**
 * How to test an app built with modreg: create the real container from the generated
 * manifest and swap single modules with `overrides`. Everything else stays real.
 */
import { ModuleRegistryError, createContainer } from "@modreg/core";
import { PdfExporter, manifest as pdfPlugin } from "@modreg/example-plugin-pdf";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app.js";
import { database, type OrderRow } from "../src/database.js";
import { ExportService } from "../src/export-service.js";
import { Metrics } from "../src/metrics.js";
import { MemoryLogger } from "./memory-logger.js";

const rows: OrderRow[] = [
  { id: 7, tenant: "initech", item: "stapler", amount: 12 },
  { id: 8, tenant: "initech", item: "printer, laser", amount: 300 },
  { id: 9, tenant: "acme", item: "anvil", amount: 99 },
];

/** Stands in for the database: no connection, no `onInit` delay, fixed rows. */
const fakeDatabase = {
  select: (where: (row: OrderRow) => boolean = () => true) => rows.filter(where),
};

describe("the shop with overrides", () => {
  it("exports a tenant's orders from a fake database", async () => {
    const log = new MemoryLogger();
    const app = createApp({
      env: "test",
      overrides: [
        { provide: database, useValue: fakeDatabase },
        { provide: "pretty-logger", useValue: log },
      ],
    });
    await app.start();
    try {
      const csv = app.get(ExportService).exportFor("initech", "csv");
      expect(csv).toBe('id,item,amount\n7,stapler,12\n8,"printer, laser",300');
      expect(log.lines).toContain("export-job[initech]: 2 rows as text/csv");
      expect(log.lines.some((line) => line.startsWith("database:"))).toBe(false);
    } finally {
      await app.dispose();
    }
  });

  it("builds the lazy analytics only when a report asks for it", async () => {
    const app = createApp({
      env: "test",
      overrides: [
        { provide: database, useValue: fakeDatabase },
        { provide: "pretty-logger", useValue: new MemoryLogger() },
      ],
    });
    await app.start();
    try {
      const state = () => app.modules().find((info) => info.id === "analytics")?.state;
      expect(state()).toBe("pending");
      expect(app.get(ExportService).report()).toEqual([
        { tenant: "initech", orders: 2, revenue: 312 },
        { tenant: "acme", orders: 1, revenue: 99 },
      ]);
      expect(state()).toBe("ready");
    } finally {
      await app.dispose();
    }
  });

  it("injects metrics only when the feature is on", async () => {
    const overrides = [
      { provide: database, useValue: fakeDatabase },
      { provide: "pretty-logger", useValue: new MemoryLogger() },
    ];
    const off = createApp({ env: "test", overrides });
    expect(off.has(Metrics)).toBe(false);

    const on = createApp({ env: "test", features: ["metrics"], overrides });
    await on.start();
    // the module prints its counters when disposed: captured and asserted, not printed
    const printed = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      on.get(ExportService).exportFor("acme", "json");
      expect(on.get(Metrics).snapshot()).toEqual({ "export.json": 1, "orders.query": 1 });
      await on.dispose();
      expect(printed.mock.calls).toEqual([['  · metrics: {"export.json":1,"orders.query":1}']]);
    } finally {
      printed.mockRestore();
      await on.dispose();
    }
  });
});

describe("the PDF plugin", () => {
  it("joins the host's exporters through container.load()", async () => {
    const app = createApp({
      env: "test",
      overrides: [
        { provide: database, useValue: fakeDatabase },
        { provide: "pretty-logger", useValue: new MemoryLogger() },
      ],
    });
    await app.start();
    try {
      expect(app.get(PdfExporter)).toBeInstanceOf(PdfExporter);
      expect(app.get(ExportService).exportFor("acme", "pdf")).toContain("(id=9 item=anvil amount=99)");
    } finally {
      await app.dispose();
    }
  });

  it("refuses a host whose config is outside the plugin's range config@^1.0.0", async () => {
    class LegacyConfig {}
    const host = createContainer({ formatVersion: 1, modules: [] })
      .register(LegacyConfig, { id: "config", version: "0.9.0" })
      .load(pdfPlugin);
    const failure = await host.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ModuleRegistryError.is(failure, "MODULE_VERSION_MISMATCH")).toBe(true);
    expect(String(failure)).toContain("^1.0.0");
    expect(String(failure)).toContain("0.9.0");
  });

  it("refuses a host without the config module the plugin requires", async () => {
    const host = createContainer({ formatVersion: 1, modules: [] }).load(pdfPlugin);
    await expect(host.start()).rejects.toMatchObject({
      code: "MODULE_DEPENDENCY_MISSING",
      message: expect.stringContaining('module "pdf-exporter" depends on "config" (version ^1.0.0)'),
    });
  });
});
