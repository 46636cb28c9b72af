// After `tsc -b` (ESM, dist/) and `tsc -b tsconfig.cjs.json` (CommonJS, dist/cjs/): copies the
// one hand-written CommonJS file (src/require-here.cjs and its types, which tsc does not emit)
// into both builds, marks dist/cjs as CommonJS although the package is "type": "module", and
// drops the ESM output of openfeature-require.ts: it is in the ESM project only so that one
// project type-checks and lints every source; its CommonJS output is the `require` entry.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { URL } from "node:url";

const src = new URL("../src/", import.meta.url);
for (const out of ["../dist/", "../dist/cjs/"]) {
  const dir = new URL(out, import.meta.url);
  mkdirSync(dir, { recursive: true });
  for (const file of ["require-here.cjs", "require-here.d.cts"])
    copyFileSync(new URL(file, src), new URL(file, dir));
}
writeFileSync(new URL("../dist/cjs/package.json", import.meta.url), '{ "type": "commonjs" }\n');
for (const file of [
  "openfeature-require.js",
  "openfeature-require.js.map",
  "openfeature-require.d.ts",
  "openfeature-require.d.ts.map",
])
  rmSync(new URL(`../dist/${file}`, import.meta.url), { force: true });
