import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { Module, ModuleRegistryError, createContainer, token } from "../src/index.js";
import { Journal, manifestOf, mod } from "./support.js";

class Config {
  constructor(readonly name = "real") {}
}
class Database {
  constructor(readonly config: Config) {}
}
class Service {
  constructor(readonly db: Database) {}
}
class Clock {}
interface Mailer {
  send(to: string): string;
}
class SmtpMailer implements Mailer {
  send(to: string): string {
    return `smtp:${to}`;
  }
}
class Notifier {
  constructor(readonly mailer: Mailer) {}
}

const MAILER = "app#Mailer";
const base = () =>
  manifestOf(
    mod("config", Config, { version: "1.5.0" }),
    mod("database", Database, { deps: [{ id: "config" }] }),
    mod("service", Service, { deps: [{ id: "database" }] }),
    mod("clock", Clock),
    mod("smtp", SmtpMailer, { provides: [MAILER] }),
    mod("notifier", Notifier, { deps: [{ iface: MAILER }] }),
  );

describe("overrides", () => {
  it("replaces a module by class with useValue, untouched by the lifecycle", async () => {
    const fake = new Config("fake");
    const app = createContainer(base(), { overrides: [{ provide: Config, useValue: fake }] });
    await app.start();
    expect(app.get(Database).config).toBe(fake);
    await app.dispose();
  });

  it("returns a function-valued override as the instance every time, not as a factory", async () => {
    const clock = () => 42;
    const app = createContainer(base(), { overrides: [{ provide: Clock, useValue: clock }] });
    await app.start();
    expect(app.get(Clock)).toBe(clock);
    expect(app.get(Clock)).toBe(clock);
  });

  it("replaces by id with useFactory, which receives the container", async () => {
    const app = createContainer(base(), {
      overrides: [{ provide: "database", useFactory: (c) => ({ config: c.get(Config), fake: true }) }],
    });
    await app.start();
    expect(app.get(Service).db).toMatchObject({ fake: true, config: app.get(Config) });
  });

  it("replaces with useClass, built with the original's dependencies", async () => {
    class RecordingDatabase extends Database {}
    const app = createContainer(base(), { overrides: [{ provide: Database, useClass: RecordingDatabase }] });
    await app.start();
    expect(app.get(Database)).toBeInstanceOf(RecordingDatabase);
    expect(app.get(Database).config).toBe(app.get(Config));
  });

  it("replaces every provider of an interface by token", async () => {
    const sent: string[] = [];
    const app = createContainer(base(), {
      overrides: [
        { provide: token<Mailer>(MAILER), useValue: { send: (to: string) => (sent.push(to), "fake") } },
      ],
    });
    await app.start();
    expect(app.get(Notifier).mailer.send("ana")).toBe("fake");
    expect(app.get(token<Mailer>(MAILER)).send("bo")).toBe("fake");
    expect(sent).toEqual(["ana", "bo"]);
  });

  it("rejects an override that matches nothing or has no use* field", () => {
    expect(() =>
      createContainer(base(), { overrides: [{ provide: "nope", useValue: 1 }] }).modules(),
    ).toThrow(/override of "nope" matches no module/);
    expect(() => createContainer(base(), { overrides: [{ provide: "clock" } as never] }).modules()).toThrow(
      /MODULE_INVALID_OPTIONS.*useValue, useClass or useFactory/,
    );
  });
});

describe("Container.child", () => {
  it("shares the parent's instances except what depends on its overrides", async () => {
    const parent = createContainer(base());
    await parent.start();
    const child = parent.child({ overrides: [{ provide: Config, useValue: new Config("child") }] });
    await child.start();
    expect(child.get(Clock)).toBe(parent.get(Clock));
    expect(child.get(Database)).not.toBe(parent.get(Database));
    expect(child.get(Service).db.config.name).toBe("child");
    expect(parent.get(Service).db.config.name).toBe("real");
    expect(child.get(Notifier)).toBe(parent.get(Notifier));
  });

  it("disposes only what it built", async () => {
    const journal = new Journal();
    class Disposable {
      constructor(readonly config: Config) {}
      onDispose(): void {
        journal.add(`dispose ${this.config.name}`);
      }
    }
    const parent = createContainer(
      manifestOf(mod("config", Config), mod("d", Disposable, { deps: [{ id: "config" }] })),
    );
    await parent.start();
    const child = parent.child({ overrides: [{ provide: "config", useValue: new Config("child") }] });
    await child.start();
    await child.dispose();
    expect(journal.entries).toEqual(["dispose child"]);
    expect(parent.get(Disposable).config.name).toBe("real");
    expect(() => child.get(Disposable)).toThrow(/CONTAINER_DISPOSED/);
    await parent.dispose();
    expect(journal.entries).toEqual(["dispose child", "dispose real"]);
  });

  it("overrides an interface by token, and keeps the parent's token overrides", async () => {
    const fake = { send: (to: string) => `fake:${to}` };
    const parent = createContainer(base(), {
      overrides: [{ provide: token<Mailer>(MAILER), useValue: fake }],
    });
    await parent.start();
    const inherits = parent.child();
    await inherits.start();
    expect(inherits.get(Notifier).mailer).toBe(fake);
    const other = { send: (to: string) => `other:${to}` };
    const child = parent.child({ overrides: [{ provide: token<Mailer>(MAILER), useValue: other }] });
    await child.start();
    expect(child.get(Notifier).mailer.send("x")).toBe("other:x");
    expect(child.get(Notifier)).not.toBe(parent.get(Notifier));
    expect(child.get(Clock)).toBe(parent.get(Clock));
    expect(parent.get(Notifier).mailer).toBe(fake);
  });

  it("needs a started parent, and reaches the parent's lazy modules through it", async () => {
    class Heavy {}
    const parent = createContainer(manifestOf(mod("heavy", Heavy, { scope: "lazy" }), mod("clock", Clock)));
    const early = parent.child();
    await expect(early.start()).rejects.toMatchObject({ code: "CONTAINER_NOT_STARTED" });
    await parent.start();
    const child = parent.child();
    await child.start();
    expect(child.get(Heavy)).toBe(parent.get(Heavy));
  });
});

describe("Container.register", () => {
  it("adds a class with positional params: classes, ids and tokens", async () => {
    class Reporter {
      constructor(
        readonly db: Database,
        readonly clock: Clock,
        readonly mailer: Mailer,
      ) {}
    }
    const app = createContainer(base()).register(Reporter, {
      id: "reporter",
      params: [Database, "clock", token(MAILER)],
    });
    await app.start();
    const reporter = app.get(Reporter);
    expect(reporter.db).toBe(app.get(Database));
    expect(reporter.clock).toBe(app.get(Clock));
    expect(reporter.mailer.send("x")).toBe("smtp:x");
  });

  it("uses the options @Module recorded on the class", () => {
    @Module({ id: "audit", scope: "lazy", capabilities: ["audit"] })
    class Audit {}
    const app = createContainer(base(), { onWarning: () => undefined }).register(Audit);
    expect(app.discover({ capabilities: ["audit"] })).toMatchObject([{ id: "audit", scope: "lazy" }]);
  });

  it("reads design:paramtypes from reflect-metadata and rejects interface-typed parameters", async () => {
    class Typed {
      constructor(readonly db: Database) {}
    }
    Reflect.defineMetadata("design:paramtypes", [Database], Typed);
    const app = createContainer(base()).register(Typed);
    await app.start();
    expect(app.get(Typed).db).toBe(app.get(Database));
    class ByInterface {
      constructor(readonly mailer: Mailer) {}
    }
    Reflect.defineMetadata("design:paramtypes", [Object], ByInterface);
    expect(() => createContainer(base()).register(ByInterface)).toThrow(
      /parameter 0 has no class type at run time/,
    );
  });

  it("asks for params when the constructor takes some and there is no metadata", () => {
    class Untyped {
      constructor(readonly a: unknown) {}
    }
    expect(() => createContainer(base()).register(Untyped)).toThrow(/MODULE_INVALID_OPTIONS.*Pass `params/);
  });

  it("refuses duplicates, before and after start", async () => {
    const app = createContainer(base());
    expect(() => app.register(Clock)).toThrow(/MODULE_DUPLICATE_ID: class Clock is already module "clock"/);
    expect(() => app.register(class Other {}, { id: "clock" })).toThrow(/two modules have the id "clock"/);
    class Late {}
    await app.start();
    expect(() => app.register(Clock)).toThrow(expect.objectContaining({ code: "MODULE_DUPLICATE_ID" }));
    app.register(Late);
    expect(app.get(Late)).toBeInstanceOf(Late);
  });
});

describe("Container.load", () => {
  class PdfExporter {
    constructor(readonly config: Config) {}
  }
  const plugin = (range: string) => ({
    formatVersion: 1 as const,
    package: "@acme/pdf",
    validated: true,
    modules: [
      mod("@acme/pdf", PdfExporter, {
        version: "1.2.0",
        capabilities: ["export"],
        deps: [{ id: "config", range }],
      }),
    ],
  });

  it("merges a plugin manifest and checks its ranges against the host", async () => {
    const app = createContainer(base()).load(plugin("^1.0.0"));
    await app.start();
    expect(app.get("@acme/pdf")).toBeInstanceOf(PdfExporter);
    expect(app.discover({ capabilities: ["export"] }).map((m) => m.id)).toEqual(["@acme/pdf"]);
    const mismatch = createContainer(base()).load(plugin("^2.0.0"));
    await expect(mismatch.start()).rejects.toMatchObject({
      code: "MODULE_VERSION_MISMATCH",
      message: expect.stringContaining("1.5.0"),
    });
  });

  it("rejects a plugin whose ids collide with the host's, naming both packages, and loads nothing of it", () => {
    const clash = { formatVersion: 1 as const, package: "@acme/clock", modules: [mod("clock", Clock)] };
    const host = createContainer({ ...base(), package: "host" });
    expect(() => host.load({ ...clash, modules: [mod("extra", class Extra {}), ...clash.modules] })).toThrow(
      /MODULE_DUPLICATE_ID/,
    );
    expect(host.has("extra")).toBe(false);
    expect(() => createContainer({ ...base(), package: "host" }).load(clash)).toThrow(
      /"clock": class Clock \(host\) and class Clock \(@acme\/clock\)/,
    );
  });

  it("rejects an invalid plugin manifest", () => {
    expect(() => createContainer(base()).load({ formatVersion: 2 } as never)).toThrow(ModuleRegistryError);
  });
});
