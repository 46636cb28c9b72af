import "reflect-metadata";
import { container as globalTsyringe, type DependencyContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import { createContainer, ModuleRegistryError, type Manifest } from "../src/index.js";
import { toTsyringe } from "../src/tsyringe.js";
import { mod } from "./support.js";

interface Logger {
  log(line: string): void;
}
interface Plugin {
  readonly name: string;
}
const LOGGER = "src/logger.ts#Logger";
const PLUGIN = "src/plugin.ts#Plugin";

class ConsoleLogger implements Logger {
  readonly lines: string[] = [];
  log(line: string): void {
    this.lines.push(line);
  }
}
class Database {
  constructor(readonly logger: Logger) {}
}
class Job {
  static made = 0;
  constructor() {
    Job.made++;
  }
}
class Export {
  constructor(readonly tenant: string) {}
}
class Csv implements Plugin {
  readonly name = "csv";
}
class Pdf implements Plugin {
  readonly name = "pdf";
}
class Metrics {}

const manifest: Manifest = {
  formatVersion: 1,
  validated: true,
  modules: [
    mod("csv", Csv, { provides: [PLUGIN] }),
    mod("database", Database, { deps: [{ iface: LOGGER, param: "logger" }] }),
    mod("export", Export, { scope: "factory", args: 1 }),
    mod("job", Job, { scope: "factory" }),
    mod("logger", ConsoleLogger, { provides: [LOGGER] }),
    mod("metrics", Metrics, { when: { env: ["production"] } }),
    mod("pdf", Pdf, { provides: [PLUGIN] }),
  ],
};

async function bridged(): Promise<{
  app: ReturnType<typeof createContainer>;
  tsyringe: DependencyContainer;
}> {
  const app = createContainer(manifest);
  await app.start();
  return { app, tsyringe: toTsyringe(app, globalTsyringe.createChildContainer()) };
}

describe("toTsyringe", () => {
  it("resolves modreg's singletons by class and by id, without reflection metadata", async () => {
    const { app, tsyringe } = await bridged();
    expect(tsyringe.resolve(Database)).toBe(app.get(Database));
    expect(tsyringe.resolve("database")).toBe(app.get(Database));
    expect(tsyringe.resolve(Database).logger).toBe(app.get(ConsoleLogger));
  });

  it("resolves an interface by its name and its key; resolveAll gives every provider", async () => {
    const { app, tsyringe } = await bridged();
    expect(tsyringe.resolve<Logger>("Logger")).toBe(app.get(ConsoleLogger));
    expect(tsyringe.resolve<Logger>(LOGGER)).toBe(app.get(ConsoleLogger));
    expect(tsyringe.resolveAll<Plugin>("Plugin").map((p) => p.name)).toEqual(["csv", "pdf"]);
  });

  it("names a generic interface with its type arguments (keys by declaration: pkg:file#Name<...>)", async () => {
    class UserRepo {}
    class OrderRepo {}
    const repo = (arg: string) => `app:src/repo#Repo<app:src/${arg.toLowerCase()}#${arg}>`;
    const app = createContainer({
      formatVersion: 1,
      modules: [
        mod("orders", OrderRepo, { provides: [repo("Order")] }),
        mod("users", UserRepo, { provides: [repo("User")] }),
      ],
    });
    await app.start();
    const tsyringe = toTsyringe(app, globalTsyringe.createChildContainer());
    expect(tsyringe.resolve("Repo<User>")).toBe(app.get(UserRepo));
    expect(tsyringe.resolve("Repo<Order>")).toBe(app.get(OrderRepo));
    expect(tsyringe.resolve(repo("User"))).toBe(app.get(UserRepo));
    expect(tsyringe.isRegistered("User>")).toBe(false);
  });

  it("keeps modreg's scopes: a factory module is a new instance per resolve", async () => {
    const { tsyringe } = await bridged();
    const before = Job.made;
    expect(tsyringe.resolve(Job)).not.toBe(tsyringe.resolve(Job));
    expect(Job.made - before).toBe(2);
  });

  it("lets tsyringe-registered code depend on modreg modules", async () => {
    class LegacyReport {
      constructor(readonly db: Database) {}
    }
    const { app, tsyringe } = await bridged();
    tsyringe.register(LegacyReport, { useFactory: (c) => new LegacyReport(c.resolve(Database)) });
    expect(tsyringe.resolve(LegacyReport).db).toBe(app.get(Database));
  });

  it("skips inactive modules and factories with runtime arguments; names: false registers classes only", async () => {
    const { tsyringe } = await bridged();
    expect(tsyringe.isRegistered(Metrics)).toBe(false);
    expect(tsyringe.isRegistered(Export)).toBe(false);
    const app = createContainer(manifest);
    await app.start();
    const plain = toTsyringe(app, globalTsyringe.createChildContainer(), { names: false });
    expect(plain.isRegistered(Database)).toBe(true);
    expect(plain.isRegistered("database")).toBe(false);
    expect(plain.isRegistered("Logger")).toBe(false);
  });

  it("rejects something that is not a tsyringe container with a coded error", async () => {
    const app = createContainer(manifest);
    await app.start();
    expect(() => toTsyringe(app, {} as never)).toThrow(ModuleRegistryError);
    expect(() => toTsyringe(app, {} as never)).toThrow(/expected a tsyringe container/);
  });
});
