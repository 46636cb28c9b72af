import { describe, expect, it } from "vitest";
import { ModuleRegistryError, createContainer, token } from "../src/index.js";
import { manifestOf, mod } from "./support.js";

// Interface keys are `<package>:<file>#Name` (issue 11 §1): messages say the name a user
// wrote, the error keeps the full key (`error.key`) for tools.
const LOGGER = "shop:src/logging/logger#Logger";
const REPO = "shop:src/repo#Repo<shop:src/user#User>";

class ConsoleLogger {}
class FileLogger {}
class Orders {
  constructor(readonly log: unknown) {}
}

function caught(run: () => unknown): ModuleRegistryError {
  try {
    run();
  } catch (e) {
    if (ModuleRegistryError.is(e)) return e;
    throw e;
  }
  throw new Error("did not throw");
}

/** The first error `start()` fails with. */
async function missingAtStart(app: { start(): Promise<void> }): Promise<ModuleRegistryError> {
  const error = await app.start().then(
    () => {
      throw new Error("started");
    },
    (e: unknown) => e as ModuleRegistryError,
  );
  return (error.errors?.[0] ?? error) as ModuleRegistryError;
}

describe("runtime messages name interfaces by their short name", () => {
  it("MODULE_NOT_FOUND for a token: `Repo<User>`, the full key on the error", async () => {
    const app = createContainer(manifestOf(mod("console-logger", ConsoleLogger, { provides: [LOGGER] })));
    await app.start();
    const error = caught(() => app.get(token(REPO)));
    expect(error.code).toBe("MODULE_NOT_FOUND");
    expect(error.message).toContain("no active module provides Repo<User>.");
    expect(error.message).not.toContain("shop:");
    expect(error.key).toBe(REPO);
  });

  it("MODULE_AMBIGUOUS_PROVIDER for a token: `Logger`", async () => {
    const app = createContainer(
      manifestOf(
        mod("console-logger", ConsoleLogger, { provides: [LOGGER] }),
        mod("file-logger", FileLogger, { provides: [LOGGER] }),
      ),
    );
    await app.start();
    const error = caught(() => app.get(token(LOGGER)));
    expect(error.code).toBe("MODULE_AMBIGUOUS_PROVIDER");
    expect(error.message).toContain(' provide Logger: "console-logger", "file-logger".');
    expect(error.message).not.toContain("shop:");
    expect(error.key).toBe(LOGGER);
  });

  it("MODULE_DEPENDENCY_MISSING at start: `interface Logger`, `no module implements Logger`", async () => {
    const app = createContainer(
      manifestOf(mod("orders", Orders, { deps: [{ iface: LOGGER, param: "log" }] })),
    );
    const missing = await missingAtStart(app);
    expect(missing.code).toBe("MODULE_DEPENDENCY_MISSING");
    expect(missing.message).toContain(
      'module "orders" depends on interface Logger for parameter "log", but no module implements Logger.',
    );
    expect(missing.message).not.toContain("shop:");
    expect(missing.key).toBe(LOGGER);
  });
});

describe("every other runtime text names a token by its short name too", () => {
  it("the path of a missing interface dependency ends with `Logger`, the full key on the error", async () => {
    const app = createContainer(
      manifestOf(mod("orders", Orders, { deps: [{ iface: LOGGER, param: "log" }] })),
    );
    const missing = await missingAtStart(app);
    expect(missing.path).toEqual(["orders", "Logger"]);
    expect(missing.key).toBe(LOGGER);
  });

  it("a call on a disposed container: `resolve(token Logger)`", async () => {
    const app = createContainer(manifestOf(mod("console-logger", ConsoleLogger, { provides: [LOGGER] })));
    await app.start();
    await app.dispose();
    const error = await app.resolve(token(LOGGER)).then(
      () => {
        throw new Error("resolved");
      },
      (e: unknown) => e as ModuleRegistryError,
    );
    expect(error.message).toContain("resolve(token Logger)");
    expect(error.message).not.toContain("shop:");
  });
});
