// After `tsc -b` (ESM, dist/) and `tsc -b tsconfig.cjs.json` (CommonJS, dist/cjs/): copies the
// one hand-written CommonJS file (src/require-here.cjs and its types, which tsc does not emit)
// into both builds, and marks dist/cjs as CommonJS although the package is "type": "module".
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { URL } from "node:url";

const src = new URL("../src/", import.meta.url);
for (const out of ["../dist/", "../dist/cjs/"]) {
  const dir = new URL(out, import.meta.url);
  mkdirSync(dir, { recursive: true });
  for (const file of ["require-here.cjs", "require-here.d.cts"])
    copyFileSync(new URL(file, src), new URL(file, dir));
}
writeFileSync(new URL("../dist/cjs/package.json", import.meta.url), '{ "type": "commonjs" }\n');
