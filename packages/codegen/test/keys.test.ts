import path from "node:path";
import { describe, expect, it } from "vitest";
import { createGenerator } from "../src/index.js";
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
    expect(injected).toEqual({ iface: "host-app#Exporter", multi: true, param: "exporters" });
    expect(provided).toEqual(["host-app#Exporter"]);
    expect(plugin.manifest.package).toBe("fx-cross-package");
  });
});
