/**
 * Type-level tests of the public types. `expectTypeOf` assertions are checked by the root
 * `tsc -p tsconfig.json` (`pnpm typecheck`); at run time they are no-ops, so each group also
 * checks the matching values where that is cheap. The `ModuleRegistry` augmentation is
 * global to a compilation, so it is checked in its own project (fixtures/registry) below.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ArgsOf,
  type ClassArgs,
  type ContainerScope,
  type DeferredArgs,
  DependencyGraph,
  Module,
  ModuleRegistryError,
  createContainer,
  defineManifest,
  token,
  topologicalOrder,
  type ClassRecord,
  type Container,
  type ContainerEvents,
  type Factory,
  type InstanceOf,
  type Lazy,
  type Manifest,
  type MODULE_ARGS,
  type ModuleId,
  type ModuleRegistryErrorCode,
  type Override,
  type RuntimeArgs,
  type Token,
} from "../src/index.js";
import { manifestOf, mod } from "./support.js";

interface Logger {
  info(message: string): void;
}
class ConsoleLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
}
abstract class Storage {
  abstract read(): string;
}
class Database extends Storage {
  read(): string {
    return "rows";
  }
}
class Report {
  constructor(readonly db: Database) {}
}
class ExportJob {
  constructor(
    readonly db: Database,
    readonly tenant: string,
  ) {}
}
class Exporter {
  constructor(
    readonly report: Lazy<Report>,
    readonly newJob: Factory<ExportJob, [tenant: string]>,
  ) {}
}

const LOGGER = "test/types.test.ts#Logger";
const STORAGE = "test/types.test.ts#Storage";
const Logger = token<Logger>(LOGGER);

async function startedApp(): Promise<Container> {
  const app = createContainer(
    manifestOf(
      mod("database", Database, { provides: [STORAGE] }),
      mod("logger", ConsoleLogger, { provides: [LOGGER] }),
      mod("report", Report, { scope: "lazy", deps: [{ id: "database" }] }),
      mod("export-job", ExportJob, { scope: "factory", args: 1, deps: [{ id: "database" }] }),
      mod("exporter", Exporter, {
        deps: [
          { id: "report", inject: "lazy" },
          { id: "export-job", inject: "factory" },
        ],
      }),
    ),
  );
  await app.start();
  return app;
}

describe("Container.get", () => {
  it("returns the class's instance type for a class", async () => {
    const app = await startedApp();
    expectTypeOf(app.get(Database)).toEqualTypeOf<Database>();
    expect(app.get(Database)).toBeInstanceOf(Database);
  });

  it("returns the token's type for a token", async () => {
    const app = await startedApp();
    expectTypeOf(app.get(token<Logger>(LOGGER))).toEqualTypeOf<Logger>();
    expectTypeOf(app.get(Logger)).not.toBeAny();
    expect(app.get(Logger)).toBeInstanceOf(ConsoleLogger);
  });

  it("returns the abstract class's type for an abstract class", async () => {
    const app = await startedApp();
    // Typed by class; at run time an abstract class is reached through its token.
    expectTypeOf(() => app.get(Storage)).returns.toEqualTypeOf<Storage>();
    expect(app.get(token<Storage>(STORAGE)).read()).toBe("rows");
  });

  it("returns unknown for an id while no registry is generated", async () => {
    const app = await startedApp();
    expectTypeOf<ModuleId>().toEqualTypeOf<string>();
    expectTypeOf<InstanceOf<"database">>().toBeUnknown();
    expectTypeOf(app.get("database")).toBeUnknown();
    expect(app.get("database")).toBe(app.get(Database));
  });

  it("accepts only classes, tokens and ids", async () => {
    const app = await startedApp();
    // @ts-expect-error -- a plain object is neither a class nor a token
    expect(() => app.get({ id: "database" })).toThrow(
      /^INVALID_ARGUMENT: get\(key\): expected a class, an id, a token or a provider/,
    );
    // @ts-expect-error -- a number is not an id
    expectTypeOf<Container["get"]>().toBeCallableWith(1);
  });
});

describe("Manifest<Registry>", () => {
  /** What a generated output with its own registry exports (one of several in one program). */
  interface Registry {
    database: Database;
    logger: ConsoleLogger;
  }

  it("types the container's ids by the manifest's own registry", async () => {
    const manifest = manifestOf(
      mod("database", Database, { provides: [STORAGE] }),
      mod("logger", ConsoleLogger, { provides: [LOGGER] }),
    ) as Manifest<Registry>;
    const app = createContainer(manifest);
    expectTypeOf(app).toEqualTypeOf<Container<Registry>>();
    await app.start();
    expectTypeOf(app.get("database")).toEqualTypeOf<Database>();
    expectTypeOf(() => app.child().get("logger")).returns.toEqualTypeOf<ConsoleLogger>();
    expectTypeOf(await app.resolve("logger")).toEqualTypeOf<ConsoleLogger>();
    expectTypeOf(() => app.scope().get("database")).returns.toEqualTypeOf<Database>();
    // @ts-expect-error -- not an id of this registry
    expectTypeOf<Container<Registry>["get"]>().toBeCallableWith("report");
    expect(app.get("database")).toBeInstanceOf(Database);
  });

  it("types create by the registry's own factory arguments ([MODULE_ARGS]), by id and by class", async () => {
    /** What a generated output with its own registry exports for a factory module. */
    interface JobRegistry {
      database: Database;
      "export-job": ExportJob;
      readonly [MODULE_ARGS]?: { "export-job": DeferredArgs<typeof ExportJob, 1> };
    }
    const manifest = manifestOf(
      mod("database", Database),
      mod("export-job", ExportJob, { scope: "factory", args: 1, deps: [{ id: "database" }] }),
    ) as Manifest<JobRegistry>;
    const app = createContainer(manifest);
    await app.start();
    expectTypeOf(app.create("export-job", "tenant-1")).toEqualTypeOf<ExportJob>();
    expectTypeOf(app.create(ExportJob, "tenant-2")).toEqualTypeOf<ExportJob>();
    expectTypeOf(() => app.scope().create(ExportJob, "tenant-3")).returns.toEqualTypeOf<ExportJob>();
    const wrong = () => {
      // @ts-expect-error -- its runtime argument is the tenant, a string
      app.create("export-job", 42);
      // @ts-expect-error -- by class too
      app.create(ExportJob, 42);
      // @ts-expect-error -- one runtime argument
      app.create(ExportJob);
    };
    expect(wrong).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(app.create(ExportJob, "tenant-4").tenant).toBe("tenant-4");
    // the key is a type only: ids stay the registry's string keys
    expectTypeOf<ModuleId<JobRegistry>>().toEqualTypeOf<"database" | "export-job">();
  });

  it("works out a DeferredArgs entry as RuntimeArgs where create names it; a parameter list stays as it is", () => {
    interface Deferred {
      "export-job": ExportJob;
      readonly [MODULE_ARGS]?: { "export-job": DeferredArgs<typeof ExportJob, 1> };
    }
    interface Written {
      "export-job": ExportJob;
      readonly [MODULE_ARGS]?: { "export-job": RuntimeArgs<typeof ExportJob, 1> };
    }
    interface ByHand {
      "export-job": ExportJob;
      readonly [MODULE_ARGS]?: { "export-job": [tenant: string] };
    }
    expectTypeOf<ArgsOf<"export-job", Deferred>>().toEqualTypeOf<RuntimeArgs<typeof ExportJob, 1>>();
    expectTypeOf<ArgsOf<"export-job", Deferred>>().toEqualTypeOf<[tenant: string]>();
    expectTypeOf<ArgsOf<"export-job", Written>>().toEqualTypeOf<[tenant: string]>();
    expectTypeOf<ArgsOf<"export-job", ByHand>>().toEqualTypeOf<[tenant: string]>();
    expectTypeOf<ClassArgs<typeof ExportJob, Deferred>>().toEqualTypeOf<[tenant: string]>();
    expectTypeOf<ClassArgs<typeof ExportJob, ByHand>>().toEqualTypeOf<[tenant: string]>();
  });

  it("is a Manifest: load and other manifests' containers take it", () => {
    const manifest = manifestOf();
    expectTypeOf(manifest).toMatchTypeOf<Manifest>();
    const untyped = createContainer(manifestOf());
    expectTypeOf(untyped).toEqualTypeOf<Container>();
    expect(() => untyped.load(manifest)).not.toThrow();
  });
});

describe("Container.resolve, create and getAll", () => {
  it("resolve returns a Promise of the instance type", async () => {
    const app = await startedApp();
    expectTypeOf(app.resolve(Report)).toEqualTypeOf<Promise<Report>>();
    expectTypeOf(app.resolve(Logger)).resolves.toEqualTypeOf<Logger>();
    expectTypeOf(app.resolve("report")).toEqualTypeOf<Promise<unknown>>();
    await expect(app.resolve(Report)).resolves.toBeInstanceOf(Report);
  });

  it("create returns the factory module's instance type", async () => {
    const app = await startedApp();
    expectTypeOf(app.create(ExportJob, "tenant-42")).toEqualTypeOf<ExportJob>();
    expect(app.create(ExportJob, "tenant-42").tenant).toBe("tenant-42");
  });

  it("getAll returns an array of the token's type", async () => {
    const app = await startedApp();
    expectTypeOf(app.getAll(Logger)).toEqualTypeOf<Logger[]>();
    expectTypeOf(app.getAll<Storage>({ capabilities: [] })).toEqualTypeOf<Storage[]>();
    expect(app.getAll(Logger)).toHaveLength(1);
  });

  it("types the graph, events and overrides", () => {
    const app = createContainer(manifestOf(mod("database", Database)));
    expectTypeOf(app.graph.loadOrder()).toEqualTypeOf<string[]>();
    expectTypeOf(app.graph.findCycle()).toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Parameters<Parameters<typeof app.on<"built">>[1]>[0]>().toEqualTypeOf<{
      readonly id: string;
      readonly ms: number;
      readonly instance: unknown;
      readonly scope?: ContainerScope;
    }>();
    expectTypeOf<Parameters<Parameters<typeof app.on<"failed">>[1]>[0]>().toEqualTypeOf<{
      readonly id: string;
      readonly error: unknown;
    }>();
    expectTypeOf<Parameters<typeof app.on>[0]>().toEqualTypeOf<keyof ContainerEvents>();
    expectTypeOf<"exploded">().not.toExtend<keyof ContainerEvents>();
    expectTypeOf<{ provide: typeof Database; useValue: Database }>().toExtend<Override<Database>>();
    // @ts-expect-error -- the value must be an instance of the class it replaces
    const wrong: Override<Database> = { provide: Database, useValue: "not a database" };
    expect(wrong.provide).toBe(Database);
  });
});

describe("Lazy", () => {
  it("is callable with no argument and returns T", async () => {
    expectTypeOf<Lazy<Report>>().toBeCallableWith();
    expectTypeOf<Lazy<Report>>().returns.toEqualTypeOf<Report>();
    expectTypeOf<Lazy<Report>>().parameters.toEqualTypeOf<[]>();
    expectTypeOf<() => Report>().toExtend<Lazy<Report>>();
    const exporter = (await startedApp()).get(Exporter);
    expectTypeOf(exporter.report).toEqualTypeOf<Lazy<Report>>();
    expect(exporter.report()).toBeInstanceOf(Report);
    expect(exporter.report()).toBe(exporter.report());
  });
});

describe("Factory", () => {
  it("keeps its runtime-argument types", async () => {
    type NewJob = Factory<ExportJob, [tenant: string]>;
    expectTypeOf<NewJob>().parameters.toEqualTypeOf<[tenant: string]>();
    expectTypeOf<NewJob>().returns.toEqualTypeOf<ExportJob>();
    expectTypeOf<NewJob>().toBeCallableWith("tenant-42");
    // @ts-expect-error -- the tenant is a string
    expectTypeOf<NewJob>().toBeCallableWith(42);
    // @ts-expect-error -- and it is required
    expectTypeOf<NewJob>().toBeCallableWith();
    const exporter = (await startedApp()).get(Exporter);
    const job = exporter.newJob("tenant-42");
    expectTypeOf(job).toEqualTypeOf<ExportJob>();
    expect(job.tenant).toBe("tenant-42");
    expect(exporter.newJob("tenant-42")).not.toBe(job);
  });

  it("accepts any arguments by default", () => {
    expectTypeOf<Parameters<Factory<ExportJob>>[0]>().toBeAny();
    expectTypeOf<Factory<ExportJob>>().toBeCallableWith();
    expectTypeOf<Factory<ExportJob>>().toBeCallableWith("tenant", 1, { any: true });
    expectTypeOf<Factory<ExportJob>>().returns.toEqualTypeOf<ExportJob>();
  });
});

describe("token", () => {
  it("carries its type parameter", () => {
    expectTypeOf(token<Logger>(LOGGER)).toEqualTypeOf<Token<Logger>>();
    expectTypeOf(token(LOGGER)).toEqualTypeOf<Token<unknown>>();
    expectTypeOf<Token<Logger>["key"]>().toEqualTypeOf<string>();
    expect(token<Logger>(LOGGER)).toBe(Logger);
  });
});

describe("defineManifest", () => {
  it("returns its argument with its exact type", () => {
    const records = [mod("database", Database), mod("logger", ConsoleLogger)] as const;
    const manifest = defineManifest({ formatVersion: 1, package: "@acme/app", modules: records });
    expectTypeOf(manifest.formatVersion).toEqualTypeOf<1>();
    expectTypeOf(manifest.package).toEqualTypeOf<"@acme/app">();
    expectTypeOf(manifest.modules).toEqualTypeOf<
      readonly [ClassRecord<Database>, ClassRecord<ConsoleLogger>]
    >();
    expectTypeOf(manifest).toExtend<Manifest>();
    expect(manifest.modules).toBe(records);
  });

  it("rejects another formatVersion and malformed records at compile time", () => {
    // @ts-expect-error -- this @modreg/core reads formatVersion 1
    expect(defineManifest({ formatVersion: 2, modules: [] }).formatVersion).toBe(2);
    // @ts-expect-error -- a record needs class and create
    expect(defineManifest({ formatVersion: 1, modules: [{ id: "x" }] }).modules).toHaveLength(1);
  });
});

describe("@Module", () => {
  it("types its options", () => {
    expectTypeOf(Module).toBeCallableWith();
    expectTypeOf(Module).toBeCallableWith({ scope: "factory", args: ["tenant"], metadata: { weight: 1 } });
    // @ts-expect-error -- not a scope
    expectTypeOf(Module).toBeCallableWith({ scope: "eager" });
    // @ts-expect-error -- not an option
    expectTypeOf(Module).toBeCallableWith({ colour: "red" });
    // @ts-expect-error -- metadata values are plain data
    expectTypeOf(Module).toBeCallableWith({ metadata: { nested: {} } });
  });

  it("decorates in both modes: (target, context) and (target)", () => {
    const decorate = Module({ id: "typed" });
    class Legacy {}
    // Standard decorators pass a context; `experimentalDecorators` passes the class alone.
    expectTypeOf<Parameters<typeof decorate>["length"]>().toEqualTypeOf<1 | 2>();
    expectTypeOf(decorate).toBeCallableWith(Legacy);
    expectTypeOf(decorate).returns.toBeVoid();
    // @ts-expect-error -- only classes can be modules
    expectTypeOf(decorate).toBeCallableWith(() => ({}));
    expect(decorate(Legacy)).toBeUndefined();
  });
});

describe("errors and graph results", () => {
  it("ModuleRegistryError.is narrows to ModuleRegistryError", () => {
    const caught: unknown = new ModuleRegistryError("MODULE_NOT_FOUND", "nothing");
    if (ModuleRegistryError.is(caught)) {
      expectTypeOf(caught).toEqualTypeOf<ModuleRegistryError>();
      expectTypeOf(caught.code).toEqualTypeOf<ModuleRegistryErrorCode>();
      expect(caught.code).toBe("MODULE_NOT_FOUND");
    } else expect.unreachable("is() should have matched");
    // @ts-expect-error -- codes are a closed union
    expect(ModuleRegistryError.is(caught, "MODULE_EXPLODED")).toBe(false);
  });

  it("topologicalOrder's result is an order or a cycle", () => {
    const result = topologicalOrder([[1], []]);
    if (result.cycle) expectTypeOf(result.cycle).toEqualTypeOf<number[]>();
    else expectTypeOf(result.order).toEqualTypeOf<number[]>();
    expect(result.order).toEqual([1, 0]);
    expectTypeOf(new DependencyGraph([["a", []]]).findCycles()).toEqualTypeOf<string[][]>();
  });
});

describe("ModuleRegistry augmentation", () => {
  const fixture = fileURLToPath(new URL("./fixtures/registry/", import.meta.url));
  const tsc = fileURLToPath(new URL("../../../node_modules/.bin/tsc", import.meta.url));
  /** Type-checks one fixture project; `--listFiles` shows that the fixture files were checked. */
  const compile = (config: string): { status: number | null; output: string } => {
    const result = spawnSync(tsc, ["-p", `${fixture}${config}`, "--pretty", "false", "--listFiles"], {
      encoding: "utf8",
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  it("types get, resolve and create by id, and rejects unknown ids (@ts-expect-error)", () => {
    const { status, output } = compile("tsconfig.json");
    expect(output).not.toContain("error TS");
    expect(output).toMatch(/fixtures\/registry\/typed-get\.ts$/m);
    expect(status).toBe(0);
  });

  it("reports an unknown id as a compile error naming the id", () => {
    const { status, output } = compile("tsconfig.unknown-id.json");
    expect(output).toMatch(/unknown-id\.ts\(\d+,\d+\): error TS2769: No overload matches this call/);
    expect(output).toContain(
      `Argument of type '"dtabase"' is not assignable to parameter of type 'keyof ModuleRegistry'`,
    );
    expect(output.match(/error TS/g)).toHaveLength(1);
    expect(status).toBe(2);
  });
});

describe("get with an explicit type and a plain id", () => {
  it("is typed by the type argument while no registry is generated", async () => {
    class Database {
      readonly kind = "db";
    }
    const app = createContainer(manifestOf(mod("database", Database)));
    await app.start();
    expectTypeOf(app.get<Database>("database")).toEqualTypeOf<Database>();
    expectTypeOf(app.resolve<Database>("database")).toEqualTypeOf<Promise<Database>>();
    expect(app.get<Database>("database").kind).toBe("db");
  });
});
