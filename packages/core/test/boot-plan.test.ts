import { describe, expect, it } from "vitest";
import { ModuleRegistryError, createContainer, token } from "../src/index.js";
import { manifestOf, mod } from "./support.js";

class Config {}
class Db {
  constructor(readonly config: Config) {}
}
class Api {
  constructor(
    readonly db: Db,
    readonly config: Config,
  ) {}
}

/** A manifest whose "db" needs a production-only config. */
function manifest() {
  return manifestOf(
    mod("api", Api, { deps: [{ id: "db" }, { id: "config" }] }),
    mod("config", Config, { when: { env: ["production"] } }),
    mod("db", Db, { deps: [{ id: "config" }] }),
  );
}

async function startError(start: Promise<void>): Promise<ModuleRegistryError> {
  const error: unknown = await start.catch((e: unknown) => e);
  if (!ModuleRegistryError.is(error)) throw new Error(`expected a ModuleRegistryError, got ${String(error)}`);
  return error;
}

describe("the boot plan remembered per manifest and activation", () => {
  it("links a later container from the same manifest to its own instances", async () => {
    const m = manifest();
    const first = createContainer(m, { env: "production" });
    await first.start();
    const second = createContainer(m, { env: "production" });
    await second.start();
    const api = second.get(Api);
    expect(api).not.toBe(first.get(Api));
    expect(api.db).toBe(second.get(Db));
    expect(api.config).toBe(second.get(Config));
    expect(api.db.config).toBe(second.get(Config));
  });

  it("gives a later container its own lookups by id, class and token, and its own listings", async () => {
    class Plugin {}
    class Other {}
    const key = "src/plugin.ts#Plugin";
    const m = manifestOf(
      mod("b-plugin", Plugin, { provides: [key] }),
      mod("a-other", Other, { provides: [key], when: { env: ["production"] } }),
      mod("config", Config),
    );
    const first = createContainer(m, { env: "dev" });
    await first.start();
    const second = createContainer(m, { env: "dev" });
    await second.start();
    const plugin = token<Plugin>(key);
    expect(second.get(plugin)).toBe(second.get(Plugin));
    expect(second.get(plugin)).not.toBe(first.get(Plugin));
    expect(second.get("config")).toBe(second.get(Config));
    expect(second.getAll(plugin)).toEqual([second.get(Plugin)]);
    expect(second.has("a-other")).toBe(false);
    expect(second.has(Config)).toBe(true);
    expect(second.modules().map((info) => info.id)).toEqual(["a-other", "b-plugin", "config"]);
    expect(() => second.get(Other)).toThrow(/inactive/);
  });

  it("validates again under another activation", async () => {
    const m = manifest();
    await createContainer(m, { env: "production" }).start();
    const error = await startError(createContainer(m, { env: "test" }).start());
    expect(error.code).toBe("MODULE_DEPENDENCY_MISSING");
    expect(error.message).toContain('"config"');
  });

  it("is not used when overrides change the graph", async () => {
    const m = manifest();
    await createContainer(m, { env: "production" }).start();
    const fake = new Config();
    const app = createContainer(m, { env: "production", overrides: [{ provide: Config, useValue: fake }] });
    await app.start();
    expect(app.get(Db).config).toBe(fake);
    expect(app.get(Api).config).toBe(fake);
  });

  it("is not remembered from a graph that failed validation", async () => {
    const m = manifest();
    await startError(createContainer(m, { env: "test" }).start());
    await startError(createContainer(m, { env: "test" }).start());
    const app = createContainer(m, { env: "production" });
    await app.start();
    expect(app.get(Api).db).toBe(app.get(Db));
  });

  it("is not used once a class is registered beside the manifest", async () => {
    class Extra {
      constructor(readonly db: Db) {}
    }
    const m = manifest();
    await createContainer(m, { env: "production" }).start();
    const app = createContainer(m, { env: "production" }).register(Extra, { params: [Db] });
    await app.start();
    expect(app.get(Extra)).toBeInstanceOf(Extra);
  });
});
