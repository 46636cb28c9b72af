import path from "node:path";
import { describe, expect, it } from "vitest";
import { createGenerator } from "../src/index.js";
import { mergeKeys, remergeKeys, type KeyedDeclaration } from "../src/scan/keys.js";
import { FIXTURES } from "./helpers.js";

describe("interface keys", () => {
  it("are the same in a host and in a plugin package that implements the host's interface", () => {
    const plugin = createGenerator({ project: path.join(FIXTURES, "cross-package"), write: false }).run();
    const host = createGenerator({
      project: path.join(FIXTURES, "cross-package", "host"),
      write: false,
    }).run();
    expect(plugin.diagnostics).toEqual([]);
    expect(host.diagnostics).toEqual([]);
    const provided = plugin.manifest.modules.find((m) => m.id === "pdf-exporter")!.provides;
    const injected = host.manifest.modules.find((m) => m.id === "host-app")!.deps[0]!;
    expect(injected).toEqual({ iface: "host-app:src/exporter#Exporter", multi: true, param: "exporters" });
    expect(provided).toEqual(["host-app:src/exporter#Exporter"]);
    expect(plugin.manifest.package).toBe("fx-cross-package");
  });

  it("follow a declaration map from a host's built .d.ts back to the source file the host itself scans", () => {
    const plugin = createGenerator({
      project: path.join(FIXTURES, "cross-package-published"),
      write: false,
    }).run();
    expect(plugin.diagnostics).toEqual([]);
    const provided = plugin.manifest.modules.find((m) => m.id === "pdf-exporter")!.provides;
    expect(provided).toEqual(["host-app:src/exporter#Exporter"]);
  });

  it("tell apart two same-named interfaces of one package and merge a class with its interface", () => {
    const sameName = createGenerator({ project: path.join(FIXTURES, "keys-same-name"), write: false }).run();
    expect(sameName.diagnostics).toEqual([]);
    expect(sameName.manifest.modules.find((m) => m.id === "App")!.deps.map((d) => d.iface)).toEqual([
      "fx-keys-same-name:src/background/tab-presenter#TabPresenter",
      "fx-keys-same-name:src/content/tab-presenter#TabPresenter",
    ]);
    const merged = createGenerator({
      project: path.join(FIXTURES, "merged-class-interface"),
      write: false,
    }).run();
    expect(merged.diagnostics).toEqual([]);
  });
});

describe("remergeKeys", () => {
  const entry = (key: string, identity: string, line: number): KeyedDeclaration => ({
    identity,
    declaration: {
      key,
      name: key,
      kind: "interface",
      fileName: `/p/${identity}.ts`,
      importable: true,
      generic: false,
      external: false,
      location: { file: `${identity}.ts`, line, column: 1, length: 1 },
    },
  });
  const sorted = <T>(map: ReadonlyMap<string, T>) => [...map].sort(([a], [b]) => (a < b ? -1 : 1));

  it("answers what a full merge answers after tables changed, clashes included", () => {
    let state = 7;
    const random = (n: number) => (state = (state * 48271) % 2147483647) % n;
    const table = () =>
      Array.from({ length: random(4) }, () => entry(`k${random(12)}`, `f${random(3)}`, random(5)));
    let tables = Array.from({ length: 20 }, table);
    let last = remergeKeys(undefined, tables);
    let clashes = 0;
    for (let round = 0; round < 200; round++) {
      tables = tables.map((t) => (random(6) === 0 ? table() : t));
      const again = remergeKeys(last, tables);
      const full = mergeKeys(tables);
      expect(sorted(again.declarations)).toEqual(sorted(full.declarations));
      expect(again.collisions).toEqual(full.collisions);
      clashes += full.collisions.length;
      last = again;
    }
    expect(clashes).toBeGreaterThan(0);
  });
});
