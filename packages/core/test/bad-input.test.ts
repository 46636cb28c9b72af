import { describe, expect, it } from "vitest";
import {
  type Container,
  type Manifest,
  type ModuleRegistryErrorCode,
  ModuleRegistryError,
  createContainer,
  token,
} from "../src/index.js";
import { manifestOf, mod } from "./support.js";

class A {}
class B {
  constructor(readonly a: A) {}
}

const base = (): Manifest =>
  manifestOf(
    mod("a", A, { capabilities: ["x"] }),
    mod("b", B, { scope: "lazy", deps: [{ id: "a" }], capabilities: ["x"] }),
  );

/** The error `run` throws (or rejects with), checked to be a coded `ModuleRegistryError`. */
async function failure(run: () => unknown): Promise<ModuleRegistryError> {
  try {
    await run();
  } catch (error) {
    if (!ModuleRegistryError.is(error)) throw new Error(`threw a raw ${String(error)}`, { cause: error });
    return error;
  }
  throw new Error("did not throw");
}

async function expectRejected(
  run: () => unknown,
  code: ModuleRegistryErrorCode,
  ...mentions: (string | RegExp)[]
): Promise<void> {
  const error = await failure(run);
  expect(error.code).toBe(code);
  for (const m of mentions) expect(error.message).toMatch(m);
}

const bad = (value: unknown): never => value as never;

async function started(): Promise<Container> {
  const app = createContainer(base());
  await app.start();
  return app;
}

describe("createContainer rejects bad options", () => {
  it("rejects a missing manifest instead of making an empty container", async () => {
    await expectRejected(() => createContainer(bad(undefined)), "INVALID_MANIFEST", "manifest", /undefined/);
    await expectRejected(() => createContainer(bad(null)), "INVALID_MANIFEST", /null/);
  });

  it.each([
    ["x", /features/],
    [42, /features/],
    [[1, 2], /features\[0\]/],
    [{ x: "yes" }, /features\.x/],
    [true, /features/],
  ])("rejects features %j naming what was expected", async (features, mention) => {
    await expectRejected(
      () => createContainer(base(), { features: bad(features) }),
      "MODULE_INVALID_OPTIONS",
      mention,
      /boolean|strings/,
    );
  });

  it.each([
    ["timings", "yes", /timings must be a boolean/],
    ["onWarning", "log", /onWarning must be a function/],
    ["env", 5, /env must be a string/],
    ["overrides", {}, /overrides must be an array/],
    ["initTimeoutMs", -1, /initTimeoutMs must be a positive number/],
    ["initTimeoutMs", "5", /initTimeoutMs must be a positive number/],
    ["initTimeoutMs", Infinity, /initTimeoutMs must be a positive number/],
  ])("rejects %s: %j", async (key, value, mention) => {
    await expectRejected(() => createContainer(base(), { [key]: value }), "MODULE_INVALID_OPTIONS", mention);
  });

  it("rejects an unknown option, naming it", async () => {
    await expectRejected(
      () => createContainer(base(), bad({ timing: true })),
      "MODULE_INVALID_OPTIONS",
      /unknown option "timing"/,
    );
  });

  it("rejects options that are not an object", async () => {
    await expectRejected(() => createContainer(base(), bad("x")), "MODULE_INVALID_OPTIONS", /options/);
  });
});

describe("start rejects bad options", () => {
  it.each([
    [null, /start\(options\).*null/],
    ["a", /start\(options\)/],
    [{ roots: "a" }, /roots must be an array/],
    [{ roots: [5] }, /roots\[0\]/],
    [{ isolateFailures: "yes" }, /isolateFailures must be a boolean/],
    [{ root: ["a"] }, /unknown option "root"/],
  ])("rejects %j", async (options, mention) => {
    const app = createContainer(base());
    await expectRejected(() => app.start(bad(options)), "INVALID_ARGUMENT", mention);
    // Nothing was started: a correct start still works.
    await app.start();
    expect(app.get(A)).toBeInstanceOf(A);
  });
});

describe("queries reject bad arguments", () => {
  it.each([
    [null, /null/],
    [{ capabilities: "x" }, /capabilities must be an array of strings/],
    [{ optional: 5 }, /optional must be an array of strings/],
    [{ capabilities: [1] }, /capabilities/],
  ])("discover(%j)", async (query, mention) => {
    const app = createContainer(base());
    await expectRejected(() => app.discover(bad(query)), "INVALID_ARGUMENT", /discover/, mention);
  });

  it.each([[null], ["a"], [42], [{ capabilities: "x" }], [A]])("getAll(%j)", async (query) => {
    const journal: string[] = [];
    const app = createContainer(base());
    app.on("built", ({ id }) => journal.push(id));
    await app.start();
    await expectRejected(() => app.getAll(bad(query)), "INVALID_ARGUMENT", /getAll/, /token|query/);
    expect(journal).toEqual(["a"]);
  });

  it.each([[null], ["x"], [{ transitive: "yes" }]])("graph.dependenciesOf('b', %j)", async (options) => {
    const app = createContainer(base());
    await expectRejected(
      () => app.graph.dependenciesOf("b", bad(options)),
      "INVALID_ARGUMENT",
      /dependenciesOf/,
      /transitive|options/,
    );
    await expectRejected(() => app.graph.dependentsOf("a", bad(options)), "INVALID_ARGUMENT", /dependentsOf/);
  });

  it("graph traversals reject an id that is not a string", async () => {
    const app = createContainer(base());
    await expectRejected(() => app.graph.dependenciesOf(bad(5)), "INVALID_ARGUMENT", /id/);
  });

  it.each([[null], [5], [{}], [[]]])("get/resolve/create/has reject a key %j", async (key) => {
    const app = await started();
    await expectRejected(
      () => app.get(bad(key)),
      "INVALID_ARGUMENT",
      /get\(key\)/,
      /class, an id, a token or a provider/,
    );
    await expectRejected(() => app.resolve(bad(key)), "INVALID_ARGUMENT", /resolve\(key\)/);
    await expectRejected(() => app.create(bad(key)), "INVALID_ARGUMENT", /create\(key\)/);
    await expectRejected(() => app.has(bad(key)), "INVALID_ARGUMENT", /has\(key\)/);
  });
});

describe("child, on and register reject bad arguments", () => {
  it("child(null)", async () => {
    const app = await started();
    await expectRejected(() => app.child(bad(null)), "INVALID_ARGUMENT", /child\(options\)/);
    await expectRejected(() => app.child(bad({ overrides: 5 })), "MODULE_INVALID_OPTIONS", /overrides/);
    await expectRejected(() => app.child(bad({ override: [] })), "INVALID_ARGUMENT", /unknown option/);
  });

  it("on() rejects a handler that is not a function, and an unknown event", async () => {
    const app = createContainer(base());
    await expectRejected(() => app.on("built", bad("log")), "INVALID_ARGUMENT", /on\("built"/, /function/);
    await expectRejected(
      () => app.on(bad("build"), () => undefined),
      "INVALID_ARGUMENT",
      /"build"/,
      /built, initialized, disposed, failed/,
    );
  });

  it.each([
    [null, /options must be an object/],
    [{ params: "a" }, /params must be an array/],
    [{ params: [5] }, /params\[0\]/],
    [{ params: [null] }, /params\[0\]/],
  ])("register(X, %j)", async (options, mention) => {
    class X {
      constructor(readonly a: A) {}
    }
    const app = createContainer(base());
    await expectRejected(
      () => app.register(X, bad(options)),
      "MODULE_INVALID_OPTIONS",
      /register\(X\)/,
      mention,
    );
  });

  it("register rejects a target that is not a class", async () => {
    const app = createContainer(base());
    await expectRejected(
      () => app.register(bad("X")),
      "MODULE_INVALID_OPTIONS",
      /register\(target\)/,
      /class/,
    );
  });

  it("load rejects a value that is not a manifest", async () => {
    const app = createContainer(base());
    await expectRejected(() => app.load(bad(null)), "INVALID_MANIFEST", /null/);
  });
});

describe("manifest validation", () => {
  it.each([
    [{ package: 5 }, /package must be a string/],
    [{ validated: "yes" }, /validated must be a boolean/],
  ])("rejects a wrong-typed manifest field %j", async (extra, mention) => {
    await expectRejected(
      () => createContainer({ ...manifestOf(mod("a", A)), ...extra } as never),
      "INVALID_MANIFEST",
      mention,
    );
  });

  it("rejects duplicate ids even in a manifest marked validated", async () => {
    class A2 {}
    const manifest: Manifest = { ...manifestOf(mod("a", A), mod("a", A2)), validated: true };
    await expectRejected(() => createContainer(manifest), "MODULE_DUPLICATE_ID", /"a"/, /A2/);
  });

  it("rejects one class under two ids even in a manifest marked validated", async () => {
    const manifest: Manifest = { ...manifestOf(mod("a", A), mod("b", A)), validated: true };
    await expectRejected(() => createContainer(manifest), "MODULE_DUPLICATE_ID", /class A/);
  });

  it("reports a create that reads past its dependencies as INVALID_MANIFEST", async () => {
    const app = createContainer(manifestOf({ id: "x", class: A, create: (r) => (r(3), new A()) }));
    await expectRejected(() => app.start(), "INVALID_MANIFEST", /"x" reads dependency 3/, /modreg generate/);
  });

  it("reports a factory create that reads past its dependencies as INVALID_MANIFEST", async () => {
    const app = createContainer(
      manifestOf({ id: "x", class: A, scope: "factory", create: (r) => (r(1), new A()) }),
    );
    await app.start();
    await expectRejected(() => app.get("x"), "INVALID_MANIFEST", /"x" reads dependency 1/);
  });
});

describe("internal ids cannot be forged", () => {
  const NUL = "\0";

  it("treats an id starting with NUL as an ordinary id", async () => {
    class Forged {}
    const id = `${NUL}x`;
    const app = createContainer(
      manifestOf(mod(id, Forged, { when: { env: ["prod"] }, capabilities: ["c"] })),
      {
        env: "dev",
      },
    );
    expect(app.modules().map((m) => m.id)).toEqual([id]);
    expect(app.has(id)).toBe(false);
    await app.start();
    expect(app.stats().modules).toBe(1);
    const active = createContainer(manifestOf(mod(id, Forged, { capabilities: ["c"] })));
    await active.start();
    expect(active.get(Forged)).toBeInstanceOf(Forged);
    expect(active.discover({ capabilities: ["c"] }).map((m) => m.id)).toEqual([id]);
  });

  it("keeps a token override apart from a user module whose id spells the old internal id", async () => {
    class Impl {}
    class Forged {}
    const Logger = token<Impl>("app#Logger");
    const app = createContainer(
      manifestOf(
        mod("impl", Impl, { provides: ["app#Logger"] }),
        mod(`${NUL}override token app#Logger`, Forged),
      ),
      { overrides: [{ provide: Logger, useValue: "fake" }] },
    );
    await app.start();
    expect(app.get(Logger)).toBe("fake");
    expect(app.get(Forged)).toBeInstanceOf(Forged);
    expect(app.modules().map((m) => m.id)).toEqual([`${NUL}override token app#Logger`, "impl"]);
  });
});
