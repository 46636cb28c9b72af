/**
 * A scope's first module: built straight into the scope's own fields when it is a class with
 * no `onInit` over singletons and nobody listens for events (scope.ts `buildFirst`). These
 * pin what that short path must keep of the general one.
 */
import { describe, expect, it } from "vitest";
import { type ContainerScope, createContainer } from "../src/index.js";
import { Journal, manifestOf, mod } from "./support.js";

const journal = new Journal();
/** The scope a module's constructor reaches through a reference of its own (no `Resolver`). */
let reach: ContainerScope | undefined;

class Db {
  readonly url = "postgres://localhost";
}
class Log {}

class Context {
  constructor(
    readonly db: Db,
    readonly log: Log,
  ) {}
}

/** Disposes through an own property (a class field), not a method of its class. */
class Held {
  readonly onDispose = (): void => journal.add("dispose held");
}

let failures = 0;
class Flaky {
  constructor() {
    if (failures-- > 0) throw new Error("not yet");
  }
}

class Self {
  constructor() {
    reach!.get(Self);
  }
}

class Inner {
  constructor() {
    journal.add("build inner");
  }
  onDispose(): void {
    journal.add("dispose inner");
  }
}

/** Builds `Inner` in its own scope while it is constructed, so `Inner` is built first. */
class Outer {
  constructor() {
    reach!.get(Inner);
    journal.add("build outer");
  }
  onDispose(): void {
    journal.add("dispose outer");
  }
}

async function started() {
  const app = createContainer(
    manifestOf(
      mod("db", Db),
      mod("log", Log),
      mod("context", Context, { scope: "scoped", deps: [{ id: "db" }, { id: "log" }] }),
      mod("held", Held, { scope: "scoped" }),
      mod("flaky", Flaky, { scope: "scoped" }),
      mod("self", Self, { scope: "scoped" }),
      mod("inner", Inner, { scope: "scoped" }),
      mod("outer", Outer, { scope: "scoped" }),
    ),
  );
  await app.start();
  return app;
}

describe("a scope's first module", () => {
  it("is one instance per scope over the container's singletons", async () => {
    const app = await started();
    const a = app.scope();
    const b = app.scope();
    const c = a.get(Context);
    expect(a.get(Context)).toBe(c);
    expect(a.get("context")).toBe(c);
    expect(b.get(Context)).not.toBe(c);
    expect(c.db).toBe(app.get(Db));
    expect(c.log).toBe(app.get(Log));
    await app.dispose();
  });

  it("is disposed with its container when its instance disposes through an own property", async () => {
    const app = await started();
    journal.entries.length = 0;
    app.scope().get(Held); // never disposed by its user
    await app.dispose();
    expect(journal.entries).toEqual(["dispose held"]);
  });

  it("wraps a constructor that throws and is built again by the next get", async () => {
    const app = await started();
    const s = app.scope();
    failures = 1;
    expect(() => s.get(Flaky)).toThrow(
      expect.objectContaining({ code: "MODULE_LOAD_FAILED", message: expect.stringMatching(/"flaky"/) }),
    );
    const flaky = s.get(Flaky);
    expect(s.get(Flaky)).toBe(flaky);
    expect(s.get(Context)).toBe(s.get(Context)); // a second module after a failed first
    await app.dispose();
  });

  it("reports a constructor that gets its own module from its scope as a cycle", async () => {
    const app = await started();
    reach = app.scope();
    expect(() => reach!.get(Self)).toThrow(
      expect.objectContaining({ code: "MODULE_CIRCULAR_DEPENDENCY", path: ["self", "self"] }),
    );
    await app.dispose();
  });

  it("disposes what was built while it was constructed after it (reverse build order)", async () => {
    const app = await started();
    journal.entries.length = 0;
    reach = app.scope();
    const outer = reach.get(Outer);
    expect(reach.get(Outer)).toBe(outer);
    expect(reach.get(Inner)).toBeInstanceOf(Inner);
    await reach.dispose();
    expect(journal.entries).toEqual(["build inner", "build outer", "dispose outer", "dispose inner"]);
    await app.dispose();
  });

  it("is refused as soon as its scope's disposal begins, and by every scope of a disposed container", async () => {
    const app = await started();
    const s = app.scope();
    s.get(Context);
    const disposing = s.dispose();
    expect(() => s.get(Context)).toThrow(expect.objectContaining({ code: "SCOPE_DISPOSED" }));
    await disposing;
    const built = app.scope();
    built.get(Context);
    const empty = app.scope();
    await app.dispose();
    for (const scope of [built, empty]) {
      expect(() => scope.get(Context)).toThrow(expect.objectContaining({ code: "SCOPE_DISPOSED" }));
    }
  });

  it("emits built and initialized once a listener exists", async () => {
    const app = await started();
    app.scope().get(Context); // before any listener
    const seen: string[] = [];
    const off = app.on("built", (e) => seen.push(`${e.id} ${e.instance instanceof Context}`));
    const s = app.scope();
    s.get(Context);
    s.get(Context);
    off();
    app.scope().get(Context);
    expect(seen).toEqual(["context true"]);
    await app.dispose();
  });

  it("does not build it over a singleton the container unloaded since", async () => {
    const app = await started();
    app.scope().get(Context); // its plan has read db and log
    const opened = app.scope();
    await app.unload(["context", "db"]);
    expect(() => opened.get(Context)).toThrow(
      expect.objectContaining({
        code: "MODULE_LOAD_FAILED",
        cause: expect.objectContaining({ code: "CONTAINER_DISPOSED" }),
      }),
    );
    await app.dispose();
  });
});
