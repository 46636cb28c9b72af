import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createContainer } from "../src/index.js";
import { manifestOf, mod } from "./support.js";

const app = fileURLToPath(new URL("./fixtures/shutdown/app.ts", import.meta.url));

/** Starts the fixture app; resolves once it printed `line`. */
function run(mode: string): {
  child: ChildProcess;
  output: string[];
  printed: (line: string) => Promise<void>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", app, mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const waiting: { line: string; resolve: () => void }[] = [];
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) {
      output.push(line);
      for (const w of waiting.filter((w) => w.line === line)) w.resolve();
    }
  });
  child.stderr.on("data", (chunk: Buffer) => output.push(`stderr: ${chunk.toString().trim()}`));
  const printed = (line: string): Promise<void> =>
    output.includes(line) ? Promise.resolve() : new Promise((resolve) => waiting.push({ line, resolve }));
  return { child, output, printed };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

describe("shutdownOn", () => {
  it("disposes once on SIGTERM, ignores a second signal during disposal, and exits 0", async () => {
    const { child, output, printed } = run("ok");
    const exited = exitCode(child);
    await printed("listening");
    child.kill("SIGTERM");
    await printed("shutdown server");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toEqual(["ready server", "listening", "shutdown server", "dispose server"]);
  }, 20_000);

  it("exits 1 when disposal fails, naming the failure", async () => {
    const { child, output, printed } = run("fail");
    const exited = exitCode(child);
    await printed("listening");
    child.kill("SIGINT");
    expect(await exited).toBe(1);
    expect(output.filter((l) => !l.startsWith("stderr"))).toEqual([
      "ready server",
      "listening",
      "shutdown server",
      "dispose server",
    ]);
    expect(output.join("\n")).toContain("MODULE_DISPOSE_FAILED");
    expect(output.join("\n")).toContain("the socket would not close");
  }, 20_000);

  it("validates signal names and options with INVALID_ARGUMENT", () => {
    const container = createContainer(manifestOf(mod("a", class {})));
    expect(() => container.shutdownOn(["SIGTREM"])).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining('"SIGTREM"') }),
    );
    expect(() => container.shutdownOn(["term"])).toThrow(
      expect.objectContaining({ message: expect.stringContaining('did you mean "SIGTERM"?') }),
    );
    expect(() => container.shutdownOn([])).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => container.shutdownOn("SIGTERM", { timeoutMs: -1 })).toThrow(
      expect.objectContaining({ message: expect.stringContaining("timeoutMs must be a positive number") }),
    );
    expect(() => container.shutdownOn("SIGTERM", { exitCode: 2 } as never)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('unknown option "exitCode"') }),
    );
  });

  it("returns an unsubscribe that removes its listeners", () => {
    const container = createContainer(manifestOf(mod("a", class {})));
    const before = process.listenerCount("SIGUSR2");
    const off = container.shutdownOn("SIGUSR2");
    expect(process.listenerCount("SIGUSR2")).toBe(before + 1);
    off();
    expect(process.listenerCount("SIGUSR2")).toBe(before);
  });

  it("is UNSUPPORTED_RUNTIME, not a ReferenceError, where there is no process", () => {
    const container = createContainer(manifestOf(mod("a", class {})));
    const saved = globalThis.process;
    try {
      // @ts-expect-error -- a realm without Node's process, for this one call
      delete globalThis.process;
      expect(() => container.shutdownOn("SIGTERM")).toThrow(
        expect.objectContaining({
          code: "UNSUPPORTED_RUNTIME",
          message: expect.stringContaining("dispose()"),
        }),
      );
    } finally {
      globalThis.process = saved;
    }
  });
});
