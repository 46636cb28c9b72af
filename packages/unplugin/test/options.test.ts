import { ModuleRegistryError } from "@modreg/core";
import { describe, expect, it } from "vitest";
import { lowerDecorators } from "../src/lower.js";
import { checkOptions } from "../src/options.js";
import { modreg } from "../src/index.js";

describe("plugin options", () => {
  it("accepts nothing, and every documented option", () => {
    expect(checkOptions(undefined)).toEqual({});
    const all = {
      project: "tsconfig.json",
      out: "src/modules.generated.ts",
      json: "graph.json",
      include: ["src/**"],
      exclude: ["**/*.test.ts"],
      external: ["config"],
      lowerDecorators: "auto",
      watch: false,
    };
    expect(checkOptions(all)).toEqual(all);
    const configured = { config: "modreg.config.json", entries: ["background"], external: ["config"] };
    expect(checkOptions(configured)).toEqual(configured);
  });

  it.each([
    [null, "options must be an object"],
    ["tsconfig.json", "options must be an object"],
    [{ projcet: "x" }, "unknown option `projcet`"],
    [{ project: "" }, "`project` must be a non-empty path"],
    [{ out: 5 }, "`out` must be a non-empty path, got 5"],
    [{ include: "src/**" }, '`include` must be an array of non-empty strings, got "src/**"'],
    [{ external: [1] }, "`external` must be an array of non-empty strings"],
    [{ lowerDecorators: "yes" }, '`lowerDecorators` must be true, false or "auto", got "yes"'],
    [{ watch: "no" }, "`watch` must be a boolean"],
    [{ config: "" }, "`config` must be a non-empty path"],
    [{ entries: "content" }, "`entries` must be an array of non-empty strings"],
    [{ config: "modreg.config.json", out: "src/m.ts" }, "`config` lists the outputs: `out`, `json`"],
  ])("rejects %j with INVALID_ARGUMENT naming the option", (options, message) => {
    const thrown = (() => {
      try {
        modreg.vite(options as never);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(ModuleRegistryError.is(thrown, "INVALID_ARGUMENT")).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });
});

describe("lowering standard decorators", () => {
  const source = [
    'import { Module } from "@modreg/core";',
    'import type { Logger } from "./logger.js";',
    '@Module({ id: "report" })',
    "export class Report {",
    "  constructor(readonly log: Logger) {}",
    "}",
  ].join("\n");

  it("leaves no decorator syntax, keeps the ES module and drops type-only imports", () => {
    const lowered = lowerDecorators(source, "/p/src/report.ts", { target: 99 });
    expect(lowered?.code).not.toMatch(/^\s*@Module/m);
    expect(lowered?.code).toContain('import { Module } from "@modreg/core";');
    expect(lowered?.code).not.toContain("./logger.js");
    expect(lowered?.code).toContain("__esDecorate");
    expect(JSON.parse(lowered?.map ?? "{}")).toMatchObject({ version: 3, sources: ["report.ts"] });
  });

  it("skips files without decorators, declaration files and dependencies", () => {
    expect(lowerDecorators("export const x = 1;", "/p/src/x.ts", {})).toBeUndefined();
    expect(lowerDecorators(source, "/p/src/x.d.ts", {})).toBeUndefined();
    expect(lowerDecorators(source, "/p/node_modules/lib/x.ts", {})).toBeUndefined();
  });
});
