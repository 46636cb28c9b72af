import { describe, expect, it } from "vitest";
// A second copy of the same classes, as a user gets when two versions of @modreg/core are
// installed side by side: the built output is a separate module instance from the sources.
// (Built by `tsc -b packages/core`, which `pnpm test` runs first.)
import { createContainer as createContainerCopy } from "../dist/index.js";
import { ModuleRegistryError as ModuleRegistryErrorCopy } from "../dist/errors.js";
import { token as tokenCopy } from "../dist/tokens.js";
import {
  ModuleRegistryError,
  createContainer,
  formatPath,
  isToken,
  token,
  type Manifest,
} from "../src/index.js";

/** What `fn` throws, checked to be a `ModuleRegistryError` of this copy. */
function thrownBy(fn: () => unknown): ModuleRegistryError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ModuleRegistryError);
    return error as ModuleRegistryError;
  }
  throw new Error("expected a ModuleRegistryError, nothing was thrown");
}

describe("ModuleRegistryError", () => {
  it("carries its code, message, moduleId and path", () => {
    const error = new ModuleRegistryError(
      "MODULE_CIRCULAR_DEPENDENCY",
      "a -> b -> a. Break it with Lazy<T>.",
      {
        moduleId: "a",
        path: ["a", "b", "a"],
      },
    );
    expect(error.code).toBe("MODULE_CIRCULAR_DEPENDENCY");
    expect(error.message).toBe("MODULE_CIRCULAR_DEPENDENCY: a -> b -> a. Break it with Lazy<T>.");
    expect(error.moduleId).toBe("a");
    expect(error.path).toEqual(["a", "b", "a"]);
    expect(error.errors).toBeUndefined();
    expect(error.name).toBe("ModuleRegistryError");
    expect(String(error)).toBe(
      "ModuleRegistryError: MODULE_CIRCULAR_DEPENDENCY: a -> b -> a. Break it with Lazy<T>.",
    );
  });

  it("is an Error and a ModuleRegistryError", () => {
    const error = new ModuleRegistryError("MODULE_NOT_FOUND", 'no module "db".');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ModuleRegistryError);
    expect(error.stack).toContain("MODULE_NOT_FOUND: no module");
  });

  it("keeps the original error as cause", () => {
    const cause = new TypeError("boom");
    const error = new ModuleRegistryError("MODULE_LOAD_FAILED", 'module "db" failed to build: boom.', {
      moduleId: "db",
      cause,
    });
    expect(error.cause).toBe(cause);
    expect(error.moduleId).toBe("db");
  });

  it("keeps a cause that is not an Error, and has none when none is given", () => {
    expect(new ModuleRegistryError("MODULE_LOAD_FAILED", "x", { cause: "a string" }).cause).toBe("a string");
    const without = new ModuleRegistryError("MODULE_LOAD_FAILED", "x");
    expect("cause" in without).toBe(false);
    expect(without.moduleId).toBeUndefined();
    expect(without.path).toBeUndefined();
  });

  it("carries several failures reported together", () => {
    const failures = [new Error("a"), new Error("b")];
    const error = new ModuleRegistryError("MODULE_DISPOSE_FAILED", "2 modules failed to dispose.", {
      errors: failures,
    });
    expect(error.errors).toEqual(failures);
  });
});

describe("ModuleRegistryError.is", () => {
  const error = new ModuleRegistryError("MODULE_NOT_FOUND", "nothing");

  it("recognises an error of this copy, with or without a code", () => {
    expect(ModuleRegistryError.is(error)).toBe(true);
    expect(ModuleRegistryError.is(error, "MODULE_NOT_FOUND")).toBe(true);
  });

  it("is false for another code", () => {
    expect(ModuleRegistryError.is(error, "MODULE_LOAD_FAILED")).toBe(false);
  });

  it("is false for plain errors and non-errors", () => {
    const lookalike = Object.assign(new Error("MODULE_NOT_FOUND: x"), { code: "MODULE_NOT_FOUND" });
    for (const value of [lookalike, new Error("x"), null, undefined, "MODULE_NOT_FOUND", 42, {}, () => {}]) {
      expect(ModuleRegistryError.is(value)).toBe(false);
      expect(ModuleRegistryError.is(value, "MODULE_NOT_FOUND")).toBe(false);
    }
  });

  it("recognises an error from a duplicate copy of the package", () => {
    expect(ModuleRegistryErrorCopy).not.toBe(ModuleRegistryError);
    const foreign = new ModuleRegistryErrorCopy(
      "MODULE_VERSION_MISMATCH",
      "db@1.0.0 does not satisfy ^2.0.0.",
    );
    expect(foreign).not.toBeInstanceOf(ModuleRegistryError);
    expect(ModuleRegistryError.is(foreign)).toBe(true);
    expect(ModuleRegistryError.is(foreign, "MODULE_VERSION_MISMATCH")).toBe(true);
    expect(ModuleRegistryError.is(foreign, "MODULE_NOT_FOUND")).toBe(false);
    expect(ModuleRegistryErrorCopy.is(error, "MODULE_NOT_FOUND")).toBe(true);
  });

  it("recognises what another copy's container throws", () => {
    const thrown: unknown = (() => {
      try {
        createContainerCopy({ formatVersion: 2 } as never);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(thrown).not.toBeInstanceOf(ModuleRegistryError);
    expect(ModuleRegistryError.is(thrown, "INVALID_MANIFEST")).toBe(true);
  });

  it('recognises any object branded with Symbol.for("modreg.error")', () => {
    const branded = {
      code: "CONTAINER_DISPOSED",
      get [Symbol.for("modreg.error")](): true {
        return true;
      },
    };
    expect(ModuleRegistryError.is(branded)).toBe(true);
    expect(ModuleRegistryError.is(branded, "CONTAINER_DISPOSED")).toBe(true);
    expect(ModuleRegistryError.is({ [Symbol.for("modreg.error")]: "yes", code: "CONTAINER_DISPOSED" })).toBe(
      false,
    );
    expect(ModuleRegistryError.is({ [Symbol("modreg.error")]: true })).toBe(false);
  });

  it("narrows the type", () => {
    const value: unknown = error;
    if (ModuleRegistryError.is(value, "MODULE_NOT_FOUND")) expect(value.code).toBe("MODULE_NOT_FOUND");
    else expect.unreachable("is() should have matched");
  });
});

describe("formatPath", () => {
  it("prints a dependency path with arrows", () => {
    expect(formatPath(["a", "b", "a"])).toBe("a -> b -> a");
    expect(formatPath(["only"])).toBe("only");
    expect(formatPath([])).toBe("");
  });

  it("keeps the ends of a very long path and counts what it leaves out", () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `m${i}`);
    const printed = formatPath(ids);
    expect(printed).toMatch(/^m0 -> m1 -> .* -> m9 -> … \(99,?980 more\) … -> m99990 -> .* -> m99999$/);
    expect(printed.length).toBeLessThan(300);
    const short = ids.slice(0, 25);
    expect(formatPath(short)).toBe(short.join(" -> "));
  });
});

describe("token", () => {
  it("interns: the same key always gives the same object", () => {
    const a = token<{ info(m: string): void }>("src/logger.ts#Logger");
    expect(token("src/logger.ts#Logger")).toBe(a);
    expect(a.key).toBe("src/logger.ts#Logger");
  });

  it("gives different keys different tokens", () => {
    expect(token("src/a.ts#A")).not.toBe(token("src/b.ts#B"));
  });

  it("is frozen and carries only its key", () => {
    const t = token("@acme/pdf#Renderer");
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.keys(t)).toEqual(["key"]);
    expect(t.__type).toBeUndefined();
  });

  it("interns per copy of the package, with the key as the shared identity", () => {
    const here = token("src/logger.ts#Logger");
    const there = tokenCopy("src/logger.ts#Logger");
    expect(there).not.toBe(here);
    expect(there.key).toBe(here.key);
    expect(isToken(there)).toBe(true);
  });
});

describe("isToken", () => {
  it("is true for tokens", () => {
    expect(isToken(token("src/x.ts#X"))).toBe(true);
  });

  it("is true for a token-shaped object from any copy", () => {
    expect(isToken({ key: "src/x.ts#X" })).toBe(true);
  });

  it("is false for ids, classes and other values", () => {
    for (const value of ["src/x.ts#X", class X {}, null, undefined, 1, {}, { key: 1 }]) {
      expect(isToken(value)).toBe(false);
    }
  });
});

// ---- manifest checks (assertManifest, reached through createContainer and load) -----------

/** A well-formed record with a class of its own (the container rejects one class under two ids). */
const record = (fields: Record<string, unknown> = {}): Record<string, unknown> => {
  const Module = class {};
  return { id: "database", class: Module, create: () => new Module(), ...fields };
};
const manifestWith = (...modules: unknown[]): Manifest =>
  ({ formatVersion: 1, modules }) as unknown as Manifest;

/** The `INVALID_MANIFEST` error for `manifest`. */
function invalid(manifest: unknown): ModuleRegistryError {
  const error = thrownBy(() => createContainer(manifest as Manifest));
  expect(error.code).toBe("INVALID_MANIFEST");
  expect(error.message).toMatch(/^INVALID_MANIFEST: manifest is invalid: /);
  expect(error.message).toMatch(/Regenerate it with `modreg generate` \(never edit it by hand\)\.$/);
  return error;
}

describe("createContainer with a malformed manifest", () => {
  it("accepts a well-formed manifest", () => {
    expect(() =>
      createContainer(
        manifestWith(
          record({
            version: "1.0.0",
            scope: "lazy",
            capabilities: ["sql"],
            provides: ["src/storage.ts#Storage"],
            when: { env: ["production"], feature: ["cache"] },
            deps: [{ id: "config", range: "^1.0.0", inject: "none" }, { iface: "src/log.ts#Log" }],
          }),
          record({ id: "job", scope: "factory", args: 2 }),
        ),
      ),
    ).not.toThrow();
  });

  it("rejects a value that is not an object", () => {
    expect(invalid(null).message).toContain(
      "manifest is invalid: expected the `manifest` export of the generated file, got null",
    );
    expect(invalid("manifest").message).toContain('got "manifest" (a string)');
  });

  it("rejects another formatVersion, naming both versions", () => {
    expect(invalid({ formatVersion: 2, modules: [] }).message).toContain(
      "formatVersion is 2, this @modreg/core reads 1 (use @modreg/codegen and @modreg/core of the same version)",
    );
    expect(invalid({ formatVersion: "1", modules: [] }).message).toContain('formatVersion is "1"');
    expect(invalid({ modules: [] }).message).toContain("formatVersion is undefined");
  });

  it("rejects missing modules", () => {
    expect(invalid({ formatVersion: 1 }).message).toContain("manifest is invalid: modules must be an array");
    expect(invalid({ formatVersion: 1, modules: {} }).message).toContain("modules must be an array");
  });

  it("names the index of a record that is not an object", () => {
    expect(invalid(manifestWith(record(), null)).message).toContain("modules[1] must be an object");
    expect(invalid(manifestWith("database")).message).toContain("modules[0] must be an object");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a non-string class", { class: "Database" }, "class must be a class"],
    ["a create that is not a function", { create: "new Database()" }, "create must be a function"],
    ["a non-string version", { version: 1 }, "version must be a string"],
    ["an unknown scope", { scope: "eager" }, 'scope "eager" is not singleton, lazy, factory or scoped'],
    ["non-string capabilities", { capabilities: [1] }, "capabilities must be a string array"],
    ["provides not an array", { provides: "src/x.ts#X" }, "provides must be a string array"],
    ["negative args", { args: -1 }, "args must be a whole number"],
    ["fractional args", { args: 1.5 }, "args must be a whole number"],
    ["when not an object", { when: "production" }, "when must be an object"],
    [
      "when.env not normalised",
      { when: { env: "production" } },
      "when.env and when.feature must be string arrays",
    ],
    ["deps not an array", { deps: {} }, "deps must be an array"],
    [
      "a dep with id and iface",
      { deps: [{ id: "a", iface: "src/a.ts#A" }] },
      "deps[0] must have exactly one of id and iface",
    ],
    [
      "a dep with neither",
      { deps: [{ id: "a" }, { optional: true }] },
      "deps[1] must have exactly one of id and iface",
    ],
    ["a dep that is not an object", { deps: ["config"] }, "deps[0] must be an object"],
    [
      "a dep with a string optional",
      { deps: [{ id: "a", optional: "no" }] },
      "deps[0].optional must be a boolean",
    ],
    ["a dep with a string multi", { deps: [{ id: "a", multi: "false" }] }, "deps[0].multi must be a boolean"],
    ["a dep with a numeric param", { deps: [{ id: "a", param: 5 }] }, "deps[0].param must be a string"],
    ["a string asyncInit", { asyncInit: "no" }, "asyncInit must be a boolean"],
    ["a zero initTimeoutMs", { initTimeoutMs: 0 }, "initTimeoutMs must be a positive number of milliseconds"],
    [
      "metadata that is a Map",
      { metadata: new Map() },
      "metadata must be a plain object of string, number or boolean values",
    ],
    [
      "metadata that is an array",
      { metadata: [] },
      "metadata must be a plain object of string, number or boolean values",
    ],
    ["a nested metadata value", { metadata: { a: {} } }, "metadata.a must be a string, number or boolean"],
    ["a string source", { source: "a.ts" }, "source must be { file: string, line: number, column?: number }"],
    [
      "a source line that is a string",
      { source: { file: "a.ts", line: "1" } },
      "source must be { file: string, line: number, column?: number }",
    ],
    [
      "an unknown inject kind",
      { deps: [{ id: "a", inject: "eager" }] },
      'deps[0].inject "eager" is not value, lazy, factory, none or resolver',
    ],
    [
      "a resolver edge without the Resolver key",
      { deps: [{ id: "a", inject: "resolver" }] },
      'deps[0] must have inject "resolver" exactly when iface is "@modreg/core#Resolver"',
    ],
    ["a non-string range", { deps: [{ id: "a", range: 1 }] }, "deps[0].range must be a string"],
  ])("names the record index and id for %s", (_, fields, problem) => {
    const error = invalid(manifestWith(record({ id: "config" }), record(fields)));
    expect(error.message).toContain(`modules[1] ("database"): ${problem}.`);
  });

  it("names only the index when the record has no usable id", () => {
    expect(invalid(manifestWith(record({ id: 7 }))).message).toContain(
      "modules[0]: id must be a non-empty string",
    );
    expect(invalid(manifestWith(record({ id: undefined }))).message).toContain(
      "modules[0]: id must be a non-empty string",
    );
    expect(invalid(manifestWith(record({ id: "" }))).message).toContain(
      'modules[0] (""): id must be a non-empty string',
    );
  });

  it("lists every problem of the first bad record", () => {
    const error = invalid(
      manifestWith(record({ class: null, scope: "eager", version: 2 }), record({ create: 1 })),
    );
    expect(error.message).toContain(
      'modules[0] ("database"): class must be a class; version must be a string; scope "eager" is not singleton, lazy, factory or scoped.',
    );
    expect(error.message).not.toContain("modules[1]");
  });

  it("names the package of a manifest passed to load()", () => {
    const app = createContainer(manifestWith(record()));
    const error = thrownBy(() =>
      app.load({
        formatVersion: 1,
        package: "@acme/pdf",
        modules: [record({ id: "pdf", scope: "eager" })],
      } as never),
    );
    expect(error.code).toBe("INVALID_MANIFEST");
    expect(error.message).toContain('manifest @acme/pdf is invalid: modules[0] ("pdf"): scope "eager"');
  });
});
