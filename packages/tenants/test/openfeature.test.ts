import { ErrorCode, TypedInMemoryProvider, OpenFeature, ProviderEvents } from "@openfeature/server-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { createFlags, createMemoryStore } from "../src/index.js";
import { ModregFlagProvider } from "../src/openfeature.js";
import { rejectsWith } from "./support/store-contract.js";

afterAll(() => OpenFeature.close());

describe("ModregFlagProvider", () => {
  const store = createMemoryStore({
    acme: { flags: { beta: true, plan: "pro", seats: 12 } },
    globex: { flags: { beta: false } },
  });
  const flags = createFlags({ store });

  it("serves the tenant's flags to an OpenFeature client, the tenant id being the targeting key", async () => {
    await OpenFeature.setProviderAndWait("modreg-provider", new ModregFlagProvider(flags));
    const client = OpenFeature.getClient("modreg-provider");
    expect(await client.getBooleanValue("beta", false, { targetingKey: "acme" })).toBe(true);
    expect(await client.getBooleanValue("beta", true, { targetingKey: "globex" })).toBe(false);
    expect(await client.getStringValue("plan", "free", { targetingKey: "acme" })).toBe("pro");
    expect(await client.getNumberValue("seats", 1, { targetingKey: "acme" })).toBe(12);
    expect(await client.getBooleanDetails("beta", false, { targetingKey: "acme" })).toMatchObject({
      value: true,
      reason: "TARGETING_MATCH",
      variant: "true",
    });
  });

  it("answers the default with OpenFeature's error codes for a missing flag, a wrong type or no targeting key", async () => {
    const client = OpenFeature.getClient("modreg-provider");
    expect(await client.getBooleanDetails("nope", true, { targetingKey: "acme" })).toMatchObject({
      value: true,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
    expect(await client.getBooleanDetails("plan", false, { targetingKey: "acme" })).toMatchObject({
      value: false,
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await client.getBooleanDetails("beta", false, {})).toMatchObject({
      value: false,
      errorCode: ErrorCode.TARGETING_KEY_MISSING,
    });
    expect(await client.getObjectDetails("beta", {}, { targetingKey: "acme" })).toMatchObject({
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
  });

  it("announces a flag update as PROVIDER_CONFIGURATION_CHANGED, and clients read the new value", async () => {
    const client = OpenFeature.getClient("modreg-provider");
    const changed = new Promise<string | undefined>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, (details) => resolve(details?.message)),
    );
    await flags.update("globex", { beta: true });
    expect(await changed).toBe('flags of tenant "globex" changed');
    expect(await client.getBooleanValue("beta", false, { targetingKey: "globex" })).toBe(true);
  });

  it("rejects what is not a flag service", () => {
    expect(() => new ModregFlagProvider({} as never)).toThrow(/INVALID_ARGUMENT: new ModregFlagProvider/);
  });
});

describe("createFlags({ source: an OpenFeature client })", () => {
  // Any OpenFeature provider stands in for LaunchDarkly, Unleash or flagd: here the SDK's in-memory one.
  const provider = new TypedInMemoryProvider({
    beta: {
      variants: { on: true, off: false },
      defaultVariant: "off",
      disabled: false,
      contextEvaluator: (ctx) => (ctx.targetingKey === "acme" ? "on" : "off"),
    },
    plan: { variants: { pro: "pro", free: "free" }, defaultVariant: "free", disabled: false },
  });

  it("reads each tenant's flags from the client, caches them in memory, and refuses writes", async () => {
    await OpenFeature.setProviderAndWait("vendor", provider);
    const flags = createFlags({ source: OpenFeature.getClient("vendor") });
    expect(await flags.isEnabled("acme", "beta")).toBe(true);
    expect(await flags.isEnabled("globex", "beta")).toBe(false);
    expect(flags.isEnabledCached("acme", "beta")).toBe(true);
    expect(await flags.get("acme", "plan", "none")).toBe("free");
    expect(await flags.get("acme", "missing", 3)).toBe(3);
    expect(flags.stats()).toMatchObject({ sourceReads: 4, memory: { hits: 1 } });
    await rejectsWith(
      flags.update("acme", { beta: false }),
      "FLAGS_READ_ONLY",
      "change them in that flag system",
    );
    await rejectsWith(flags.all("acme"), "INVALID_ARGUMENT", "evaluates one flag at a time");
    await flags.invalidate("acme");
    expect(flags.isEnabledCached("acme", "beta")).toBeUndefined();
    expect(flags.isEnabledCached("globex", "beta")).toBe(false);
    await flags.close();
  });

  it("refuses a Redis tier and a store next to an OpenFeature source", () => {
    const source = OpenFeature.getClient("vendor");
    expect(() => createFlags({ source, redis: "redis://127.0.0.1:1" })).toThrow(
      /options.redis\): expected no Redis tier/,
    );
    expect(() => createFlags({ source, store: createMemoryStore() })).toThrow(/exactly one of store/);
    expect(() => createFlags({ source: {} as never })).toThrow(
      /options.source\): expected an OpenFeature client/,
    );
  });
});
