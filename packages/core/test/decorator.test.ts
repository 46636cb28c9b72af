import { describe, expect, it } from "vitest";
import {
  MODULE_OPTIONS,
  Module,
  checkModuleOptions,
  decoratedClasses,
  moduleOptionsOf,
  parseDependencySpec,
  type ModuleOptions,
} from "../src/decorator.js";
import { ModuleRegistryError } from "../src/errors.js";
import type { Constructor } from "../src/manifest.js";

/** Applies `@Module(options)` the way `experimentalDecorators` output does: one argument, the class. */
function applyLegacy(options: unknown, target: Constructor): unknown {
  return Module(options as ModuleOptions)(target);
}

/** The error `applyLegacy` throws, checked to be a `ModuleRegistryError`. */
function decorationError(options: unknown, name = "Target"): ModuleRegistryError {
  const target = { [name]: class {} }[name]!;
  try {
    applyLegacy(options, target);
  } catch (error) {
    expect(error).toBeInstanceOf(ModuleRegistryError);
    return error as ModuleRegistryError;
  }
  throw new Error(`@Module(${JSON.stringify(options)}) did not throw`);
}

describe("@Module as a TC39 standard decorator", () => {
  let received: unknown;
  let context: ClassDecoratorContext | undefined;
  const capture = (target: unknown, ctx: ClassDecoratorContext): void => {
    received = target;
    context = ctx;
  };

  // Decorators apply bottom-up: `capture` sees the original class, `@Module` runs after it.
  @Module({ id: "database", scope: "lazy", capabilities: ["sql"] })
  @capture
  class Database {
    static readonly kind = "db";
    query(): string {
      return "rows";
    }
  }

  it("runs as a standard decorator, with a class context", () => {
    expect(context?.kind).toBe("class");
    expect(context?.name).toBe("Database");
  });

  it("never replaces the class", () => {
    expect(Database).toBe(received);
    expect(Database.name).toBe("Database");
    const db = new Database();
    expect(db).toBeInstanceOf(Database);
    expect(db.constructor).toBe(Database);
    expect(db.query()).toBe("rows");
    expect(Database.kind).toBe("db");
  });

  it('records its options under Symbol.for("modreg.module")', () => {
    expect(MODULE_OPTIONS).toBe(Symbol.for("modreg.module"));
    expect((Database as unknown as Record<symbol, unknown>)[Symbol.for("modreg.module")]).toEqual({
      id: "database",
      scope: "lazy",
      capabilities: ["sql"],
    });
    expect(moduleOptionsOf(Database)).toEqual({ id: "database", scope: "lazy", capabilities: ["sql"] });
  });

  it("records the options as a non-enumerable, read-only property", () => {
    const descriptor = Object.getOwnPropertyDescriptor(Database, MODULE_OPTIONS);
    expect(descriptor).toMatchObject({ enumerable: false, writable: false });
    expect(Object.prototype.propertyIsEnumerable.call(Database, MODULE_OPTIONS)).toBe(false);
    // Spreading (or Object.assign-ing) the class copies its static `kind`, not the options.
    const copy: object = { ...Database };
    expect(copy).toHaveProperty("kind", "db");
    expect(Object.getOwnPropertySymbols(copy)).not.toContain(MODULE_OPTIONS);
  });

  it("adds the class to decoratedClasses()", () => {
    expect(decoratedClasses()).toContain(Database);
  });

  it("accepts no argument at all", () => {
    @Module()
    class Plain {}
    expect(moduleOptionsOf(Plain)).toEqual({});
    expect(decoratedClasses()).toContain(Plain);
  });

  it("throws MODULE_INVALID_OPTIONS when the class is defined with bad options", () => {
    const define = (): Constructor => {
      @Module({ scope: "eager" as never })
      class Broken {}
      return Broken;
    };
    expect(define).toThrow(ModuleRegistryError);
    expect(define).toThrow(/^MODULE_INVALID_OPTIONS: @Module on class Broken: scope must be one of/);
  });
});

describe("@Module called the legacy way (experimentalDecorators)", () => {
  it("returns nothing, so the class is kept as it is", () => {
    class Cache {}
    expect(applyLegacy({ id: "cache" }, Cache)).toBeUndefined();
    expect(Cache.name).toBe("Cache");
    expect(new Cache()).toBeInstanceOf(Cache);
  });

  it("records the options on the class", () => {
    class Mailer {
      constructor(readonly from: string) {}
    }
    applyLegacy({ version: "1.2.3", metadata: { displayName: "Mailer", retries: 3, beta: false } }, Mailer);
    expect(moduleOptionsOf(Mailer)).toEqual({
      version: "1.2.3",
      metadata: { displayName: "Mailer", retries: 3, beta: false },
    });
    expect(new Mailer("a@b.c").from).toBe("a@b.c");
    expect(decoratedClasses()).toContain(Mailer);
  });

  it("keeps a frozen copy, unaffected by later changes to the options object", () => {
    class Job {}
    const options: { scope: "factory"; args: string[]; id?: string } = { scope: "factory", args: ["tenant"] };
    applyLegacy(options, Job);
    options.id = "changed";
    const recorded = moduleOptionsOf(Job);
    expect(recorded).toEqual({ scope: "factory", args: ["tenant"] });
    expect(recorded).not.toBe(options);
    expect(Object.isFrozen(recorded)).toBe(true);
  });

  it("lets a class be decorated again, the last options winning", () => {
    class Twice {}
    applyLegacy({ id: "first" }, Twice);
    applyLegacy({ id: "second" }, Twice);
    expect(moduleOptionsOf(Twice)).toEqual({ id: "second" });
  });
});

describe("moduleOptionsOf", () => {
  it("is not inherited by an undecorated subclass", () => {
    class Base {}
    applyLegacy({ id: "base" }, Base);
    class Derived extends Base {}
    // The static property is visible through the prototype chain...
    expect((Derived as unknown as Record<symbol, unknown>)[MODULE_OPTIONS]).toEqual({ id: "base" });
    // ...but only the class's own decoration counts.
    expect(moduleOptionsOf(Derived)).toBeUndefined();
    expect(moduleOptionsOf(Base)).toEqual({ id: "base" });
  });

  it("gives a decorated subclass its own options", () => {
    class Base {}
    applyLegacy({ id: "base", scope: "lazy" }, Base);
    class Derived extends Base {}
    applyLegacy({ id: "derived" }, Derived);
    expect(moduleOptionsOf(Derived)).toEqual({ id: "derived" });
    expect(moduleOptionsOf(Base)).toEqual({ id: "base", scope: "lazy" });
  });

  it("returns undefined for a class that was never decorated", () => {
    expect(moduleOptionsOf(class Never {})).toBeUndefined();
  });
});

describe("decoratedClasses", () => {
  it("lists decorated classes in decoration order, and not those whose options were rejected", () => {
    const before = decoratedClasses().length;
    class First {}
    class Rejected {}
    class Second {}
    applyLegacy({}, First);
    expect(() => applyLegacy({ scope: "bogus" }, Rejected)).toThrow(/MODULE_INVALID_OPTIONS/);
    applyLegacy({}, Second);
    expect(decoratedClasses().slice(before)).toEqual([First, Second]);
    expect(moduleOptionsOf(Rejected)).toBeUndefined();
  });
});

describe("@Module with malformed options", () => {
  it("reports the error with its code, the class, the problem and a hint", () => {
    const error = decorationError({ id: "reports", colour: "red" }, "ReportService");
    expect(error.code).toBe("MODULE_INVALID_OPTIONS");
    expect(error.moduleId).toBe("reports");
    expect(error.message).toBe(
      'MODULE_INVALID_OPTIONS: @Module on class ReportService: unknown option "colour". ' +
        "Fix the decorator arguments; `modreg generate` reports the same at build time.",
    );
  });

  it("names the class as moduleId when the options have no id", () => {
    expect(decorationError({ scope: "eager" }, "Anonymousish").moduleId).toBe("Anonymousish");
  });

  it("names the class as moduleId when the id itself is malformed", () => {
    expect(decorationError({ id: 42 }, "Numbered").moduleId).toBe("Numbered");
    expect(decorationError({ id: "" }, "Blank").moduleId).toBe("Blank");
  });

  it("lists every problem at once", () => {
    const error = decorationError({ colour: "red", scope: "eager", capabilities: "sql" });
    expect(error.message).toContain('unknown option "colour"');
    expect(error.message).toContain('scope must be one of "singleton", "lazy", "factory", "scoped"');
    expect(error.message).toContain("capabilities must be an array of strings");
    expect(error.message).toBe(
      "MODULE_INVALID_OPTIONS: @Module on class Target: " +
        'unknown option "colour"; scope must be one of "singleton", "lazy", "factory", "scoped"; ' +
        "capabilities must be an array of strings. " +
        "Fix the decorator arguments; `modreg generate` reports the same at build time.",
    );
  });

  it.each<[string, unknown, string]>([
    ["unknown key", { scopes: "lazy" }, 'unknown option "scopes"'],
    ["empty id", { id: "" }, "id must be a non-empty string"],
    ["non-string id", { id: 42 }, "id must be a non-empty string"],
    ["non-string version", { version: 2 }, "version must be a string"],
    ["bad scope", { scope: "transient" }, 'scope must be one of "singleton", "lazy", "factory", "scoped"'],
    ["capabilities not an array", { capabilities: "sql" }, "capabilities must be an array of strings"],
    ["non-string capabilities", { capabilities: ["sql", 1] }, "capabilities must be an array of strings"],
    [
      "dependencies of the wrong type",
      { dependencies: ["config", 3] },
      'dependencies must be an array of "id", "id@range" strings or classes',
    ],
    [
      "optionalDependencies not an array",
      { optionalDependencies: "metrics" },
      'optionalDependencies must be an array of "id", "id@range" strings or classes',
    ],
    ["when not an object", { when: "production" }, "when must be an object"],
    ["when null", { when: null }, "when must be an object"],
    ["unknown when key", { when: { region: "eu" } }, 'unknown condition "when.region"'],
    ["bad when.env", { when: { env: 1 } }, "when.env must be a string or an array of strings"],
    [
      "bad when.feature",
      { when: { feature: ["a", false] } },
      "when.feature must be a string or an array of strings",
    ],
    ["inject to a non-string", { inject: { cache: 1 } }, "inject must map parameter names to module ids"],
    ["inject not an object", { inject: "cache" }, "inject must map parameter names to module ids"],
    [
      "metadata object value",
      { metadata: { nested: {} } },
      "metadata values must be strings, numbers or booleans",
    ],
    [
      "metadata null value",
      { metadata: { owner: null } },
      "metadata values must be strings, numbers or booleans",
    ],
    ["metadata not an object", { metadata: "infra" }, "metadata values must be strings, numbers or booleans"],
    ["args not strings", { scope: "factory", args: [1] }, "args must be an array of strings"],
    ["args without a scope", { args: ["tenant"] }, 'args is only valid with scope "factory"'],
    [
      "args with scope singleton",
      { scope: "singleton", args: ["tenant"] },
      'args is only valid with scope "factory"',
    ],
    ["args with scope lazy", { scope: "lazy", args: ["tenant"] }, 'args is only valid with scope "factory"'],
    ["when an array", { when: ["production"] }, "when must be an object"],
    ["inject an array", { inject: ["cache"] }, "inject must map parameter names to module ids"],
    ["metadata an array", { metadata: ["infra"] }, "metadata values must be strings, numbers or booleans"],
    ["initTimeoutMs zero", { initTimeoutMs: 0 }, "initTimeoutMs must be a positive number of milliseconds"],
    [
      "initTimeoutMs a string",
      { initTimeoutMs: "5s" },
      "initTimeoutMs must be a positive number of milliseconds",
    ],
    ["options null", null, "options must be an object literal"],
    ["options a string", "database", "options must be an object literal"],
    ["options an array", [{ id: "x" }], "options must be an object literal"],
  ])("rejects %s", (_, options, problem) => {
    const error = decorationError(options);
    expect(error.code).toBe("MODULE_INVALID_OPTIONS");
    expect(error.message).toContain(`@Module on class Target: ${problem}`);
  });
});

describe("checkModuleOptions", () => {
  it("accepts every documented option", () => {
    class Config {}
    expect(
      checkModuleOptions({
        id: "database",
        version: "2.3.0",
        capabilities: ["storage", "sql"],
        dependencies: ["config@^1.0.0", Config],
        optionalDependencies: ["metrics"],
        scope: "singleton",
        when: { env: "production", feature: ["sql-cache"] },
        inject: { cache: "redis-cache" },
        metadata: { displayName: "Database", category: "infra", weight: 2, stable: true },
        initTimeoutMs: 5000,
      }),
    ).toEqual([]);
    expect(checkModuleOptions({ scope: "factory", args: ["tenant"] })).toEqual([]);
    expect(checkModuleOptions({ when: { env: ["dev", "test"], feature: "beta" } })).toEqual([]);
    expect(checkModuleOptions({})).toEqual([]);
  });

  it("treats undefined values as absent", () => {
    expect(checkModuleOptions({ id: undefined, scope: undefined, when: undefined, args: undefined })).toEqual(
      [],
    );
  });

  it("returns one sentence per problem, in a stable order", () => {
    expect(checkModuleOptions({ extra: 1, version: 1, scope: "x", args: ["a"] })).toEqual([
      'unknown option "extra"',
      "version must be a string",
      'scope must be one of "singleton", "lazy", "factory", "scoped"',
      'args is only valid with scope "factory"',
    ]);
  });

  it("rejects anything but an object", () => {
    for (const value of [null, undefined, 1, "x", true, []]) {
      expect(checkModuleOptions(value)).toEqual(["options must be an object literal"]);
    }
  });
});

describe("parseDependencySpec", () => {
  it.each([
    ["@acme/pdf@^1.2.0", { id: "@acme/pdf", range: "^1.2.0" }],
    ["@acme/pdf", { id: "@acme/pdf" }],
    ["config@^1.0.0", { id: "config", range: "^1.0.0" }],
    ["config", { id: "config" }],
    ["config@>=1.0.0 <2", { id: "config", range: ">=1.0.0 <2" }],
  ])("splits %j at its last @", (spec, expected) => {
    expect(parseDependencySpec(spec)).toStrictEqual(expected);
  });

  it("leaves out range entirely when there is none", () => {
    expect(parseDependencySpec("@acme/pdf")).not.toHaveProperty("range");
    expect(parseDependencySpec("config")).not.toHaveProperty("range");
  });
});
