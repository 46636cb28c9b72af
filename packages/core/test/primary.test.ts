import { describe, expect, it } from "vitest";
import { type ModuleRegistryError, createContainer, token } from "../src/index.js";
import { manifestOf, mod } from "./support.js";

interface Cache {
  readonly name: string;
}
const caches = token<Cache>("app#Cache");

function cache(name: string) {
  return class implements Cache {
    readonly name = name;
  };
}

class Catalog {
  constructor(readonly cache: Cache) {}
}

const cacheRecord = (id: string, primary?: boolean) =>
  mod(id, cache(id), { provides: ["app#Cache"], ...(primary !== undefined && { primary }) });
const catalog = mod("catalog", Catalog, { deps: [{ iface: "app#Cache", param: "cache" }] });

describe("primary: true", () => {
  it("picks the primary provider for a single-valued parameter and get(token); arrays still get every one", async () => {
    const app = createContainer(manifestOf(cacheRecord("memory"), cacheRecord("redis", true), catalog));
    await app.start();
    expect(app.get<Catalog>("catalog").cache.name).toBe("redis");
    expect(app.get(caches).name).toBe("redis");
    expect(app.getAll(caches).map((c) => c.name)).toEqual(["memory", "redis"]);
  });

  it("is ambiguous with two active primaries, naming them", async () => {
    const app = createContainer(
      manifestOf(cacheRecord("memory", true), cacheRecord("redis", true), cacheRecord("disk"), catalog),
    );
    const error = (await app.start().catch((e: unknown) => e)) as ModuleRegistryError;
    expect(error).toMatchObject({ code: "MODULE_AMBIGUOUS_PROVIDER", moduleId: "catalog" });
    expect(error.message).toContain('2 active primary modules provide: "memory", "redis"');
    const lookup = createContainer(manifestOf(cacheRecord("memory", true), cacheRecord("redis", true)));
    await lookup.start();
    expect(() => lookup.get(caches)).toThrow(
      expect.objectContaining({
        code: "MODULE_AMBIGUOUS_PROVIDER",
        message: expect.stringContaining("2 active primary modules provide Cache:"),
        key: "app#Cache",
      }),
    );
  });

  it("falls back to the others when the primary is inactive", async () => {
    const app = createContainer(
      manifestOf(
        cacheRecord("memory"),
        { ...cacheRecord("redis", true), when: { env: ["production"] } },
        catalog,
      ),
    );
    await app.start();
    expect(app.get<Catalog>("catalog").cache.name).toBe("memory");
  });

  it("refuses a runtime load that would put a new primary under a built module", async () => {
    const app = createContainer(manifestOf(cacheRecord("memory"), catalog));
    await app.start();
    expect(() => app.load(manifestOf(cacheRecord("redis", true)))).toThrow(
      expect.objectContaining({
        code: "MODULE_AMBIGUOUS_PROVIDER",
        message: expect.stringContaining('would put the primary "redis" in its place'),
      }),
    );
  });

  it("is checked in hand-written manifests and by the decorator options", () => {
    expect(() => createContainer(manifestOf({ ...cacheRecord("memory"), primary: "yes" } as never))).toThrow(
      expect.objectContaining({
        code: "INVALID_MANIFEST",
        message: expect.stringContaining("primary must be a boolean"),
      }),
    );
    expect(() => createContainer(manifestOf()).register(cache("x"), { primary: 1 } as never)).toThrow(
      expect.objectContaining({
        code: "MODULE_INVALID_OPTIONS",
        message: expect.stringContaining("primary must be a boolean"),
      }),
    );
  });
});
