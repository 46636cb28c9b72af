/** The modreg plugin for esbuild: `import modreg from "@modreg/unplugin/esbuild"`. */
import { modreg } from "./index.js";

export default modreg.esbuild;
