// dist/cjs holds the CommonJS build; this package.json makes Node and TypeScript read its
// .js and .d.ts files as CommonJS although the package itself is "type": "module".
import { mkdirSync, writeFileSync } from "node:fs";
import { URL } from "node:url";

const dir = new URL("../dist/cjs/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL("package.json", dir), '{ "type": "commonjs" }\n');
