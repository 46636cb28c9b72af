import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIAGNOSTIC_CODES } from "@modreg/codegen";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/run.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

describe("README.md", () => {
  it("lists every diagnostic code the codegen can report, and no other", () => {
    const listed = [...readme.matchAll(/^\| (MR\d{4}) +\|/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(DIAGNOSTIC_CODES));
  });

  it("starts with the two quick-start commands, each on its own line", () => {
    const quickStart = readme.split("## Quick start")[1]?.split("```sh\n")[1]?.split("```")[0];
    expect(quickStart).toBe(
      "npm install -g pnpm@10.34.8 && pnpm install && pnpm start\n" +
        "npm install -g pnpm@10.34.8 && pnpm install && pnpm test\n",
    );
  });

  it("names the pnpm version the workspace pins", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      packageManager: string;
    };
    expect(manifest.packageManager).toBe("pnpm@10.34.8");
  });
});
