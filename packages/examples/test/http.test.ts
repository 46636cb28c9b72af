/**
 * The request-scoped module over real HTTP: one scope per request (Express middleware),
 * the scoped ExportRun built in it and disposed when the response ends.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { type OrderRow, database } from "../src/database.js";
import { createHttpApp } from "../src/http.js";
import { MemoryLogger } from "./memory-logger.js";

const rows: OrderRow[] = [
  { id: 7, tenant: "initech", item: "stapler", amount: 12 },
  { id: 9, tenant: "acme", item: "anvil", amount: 99 },
];

const log = new MemoryLogger();
const app = createApp({
  env: "test",
  overrides: [
    { provide: database, useValue: { select: (where: (row: OrderRow) => boolean) => rows.filter(where) } },
    { provide: "pretty-logger", useValue: log },
  ],
});
let server: Server;
let base = "";

beforeAll(async () => {
  await app.start();
  server = createHttpApp(app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await app.dispose();
});

/** Waits until `count` export runs have been disposed (the response's `close` event). */
async function finished(count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const done = log.lines.filter((line) => line.includes("request finished"));
    if (done.length >= count) return done;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(
    `only ${log.lines.filter((l) => l.includes("request finished")).length} of ${count} runs disposed`,
  );
}

describe("a scope per HTTP request (Express)", () => {
  it("builds a scoped ExportRun per request and disposes it when the response ends", async () => {
    log.lines.length = 0;
    const [csv, json] = await Promise.all([
      fetch(`${base}/export?tenant=initech&format=csv`),
      fetch(`${base}/export?tenant=acme&format=json`),
    ]);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe("id,item,amount\n7,stapler,12");
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual([{ id: 9, item: "anvil", amount: 99 }]);
    expect((await finished(2)).sort()).toEqual([
      "export-run[acme/json]: request finished",
      "export-run[initech/csv]: request finished",
    ]);
  });

  it("disposes the scope of a failing request too", async () => {
    log.lines.length = 0;
    const response = await fetch(`${base}/export?tenant=acme&format=xml`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/no exporter for "xml"/) });
    expect(await finished(1)).toEqual(["export-run[acme/xml]: request finished"]);
  });
});
