import path from "node:path";
import { runInNewContext } from "node:vm";
import { createContainer, unpackManifest } from "@modreg/core";
import { describe, expect, it } from "vitest";
import { ProjectScanner, validate, writeManifest } from "../src/index.js";
import type { ModuleData } from "../src/records.js";
import { FIXTURES } from "./helpers.js";

/** The record the old object-literal writer wrote for a module, without class and create. */
function plainRecord(m: ModuleData): Record<string, unknown> {
  return {
    id: m.id,
    ...(m.version !== "0.0.0" && { version: m.version }),
    ...(m.scope !== "singleton" && { scope: m.scope }),
    ...(m.capabilities.length > 0 && { capabilities: m.capabilities }),
    ...(m.provides.length > 0 && { provides: m.provides }),
    ...(m.deps.length > 0 && { deps: m.deps }),
    ...(m.when && { when: m.when }),
    ...(m.metadata && Object.keys(m.metadata).length > 0 && { metadata: m.metadata }),
    ...(m.asyncInit && { asyncInit: true }),
    ...(m.args > 0 && { args: m.args }),
    ...(m.initTimeoutMs !== undefined && { initTimeoutMs: m.initTimeoutMs }),
    ...(m.tenant && { tenant: true }),
    ...(m.primary && { primary: true }),
    source: m.source,
  };
}

/** The JSON text of a generated file's `data`, as the template literal evaluates. */
function dataOf(code: string): string {
  const text = /^ {2}data: `([\s\S]*?)`,\n\};$/m.exec(code)?.[1];
  if (text === undefined) throw new Error("no data template in the generated file");
  return runInNewContext(`\`${text}\``) as string;
}

describe("the packed manifest", () => {
  for (const name of ["basic", "providers", "conditions"]) {
    it(`unpacks ${name} to exactly the records of the object form`, () => {
      const dir = path.join(FIXTURES, name);
      const out = path.join(dir, "src", "modules.generated.ts");
      const scan = ProjectScanner.open({ tsconfig: path.join(dir, "tsconfig.json"), out }).scanner!.scan();
      const { manifest } = validate(scan);
      const code = writeManifest(manifest, { out, importStyle: scan.importStyle });
      const handles = manifest.modules.map(() => class {});
      const unpacked = unpackManifest({ formatVersion: 1, handles, data: dataOf(code) });
      expect(unpacked.modules.map(({ class: _class, ...rest }) => rest)).toEqual(
        manifest.modules.map(plainRecord),
      );
    });
  }

  for (const name of ["providers", "resolver-primary", "scoped", "heritage"]) {
    it(`writes ${name}'s load order: the order a container computes for it`, () => {
      const dir = path.join(FIXTURES, name);
      const out = path.join(dir, "src", "modules.generated.ts");
      const scan = ProjectScanner.open({ tsconfig: path.join(dir, "tsconfig.json"), out }).scanner!.scan();
      const { manifest } = validate(scan);
      const data = dataOf(writeManifest(manifest, { out, importStyle: scan.importStyle }));
      const { order } = JSON.parse(data) as { order?: number[] };
      const handles = manifest.modules.map(() => class {});
      const computed = createContainer(unpackManifest({ formatVersion: 1, handles, data })).graph.loadOrder();
      expect(order?.map((i) => manifest.modules[i]!.id)).toEqual(computed);
      expect(new Set(order).size).toBe(manifest.modules.length);
    });
  }

  it("writes no load order for a manifest with conditions (its graph depends on the container)", () => {
    const dir = path.join(FIXTURES, "basic");
    const out = path.join(dir, "src", "modules.generated.ts");
    const scan = ProjectScanner.open({ tsconfig: path.join(dir, "tsconfig.json"), out }).scanner!.scan();
    const { manifest } = validate(scan);
    const data = dataOf(writeManifest(manifest, { out, importStyle: scan.importStyle }));
    expect(JSON.parse(data)).not.toHaveProperty("order");
  });

  it("carries any string through the template literal: backticks, ${…}, backslashes, quotes, unicode", () => {
    const dir = path.join(FIXTURES, "basic");
    const out = path.join(dir, "src", "modules.generated.ts");
    const scan = ProjectScanner.open({ tsconfig: path.join(dir, "tsconfig.json"), out }).scanner!.scan();
    const { manifest } = validate(scan);
    const hostile = 'a`b${c}\\d\\`e"f\nü\u2028$`';
    const modules = manifest.modules.map((m, i) => (i === 0 ? { ...m, metadata: { note: hostile } } : m));
    const code = writeManifest({ ...manifest, modules }, { out, importStyle: scan.importStyle });
    const unpacked = unpackManifest({
      formatVersion: 1,
      handles: modules.map(() => class {}),
      data: dataOf(code),
    });
    expect(unpacked.modules[0]!.metadata).toEqual({ note: hostile });
  });
});
