import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../src/index.js";
import { tenantStoreContract } from "./support/store-contract.js";

describe("createMemoryStore", () => {
  tenantStoreContract(() => createMemoryStore());

  it("starts with the seed, normalised, at revision 1", async () => {
    const store = createMemoryStore({
      acme: { modules: ["tasks", "hr-core", "tasks"], flags: { beta: true } },
    });
    expect(await store.read("acme")).toEqual({
      tenantId: "acme",
      modules: ["hr-core", "tasks"],
      flags: { beta: true },
      revision: 1,
    });
    expect(await store.list()).toEqual(["acme"]);
  });

  it("rejects a malformed seed with INVALID_ARGUMENT naming the tenant", () => {
    expect(() => createMemoryStore({ t: { flags: { x: {} as never } } })).toThrow(
      /INVALID_ARGUMENT: createMemoryStore\(seed\["t"\]\): flag "x"/,
    );
    expect(() => createMemoryStore({ "": {} })).toThrow(/INVALID_ARGUMENT/);
  });
});
