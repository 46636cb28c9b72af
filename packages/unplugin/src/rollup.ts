/** The modreg plugin for rollup: `import modreg from "@modreg/unplugin/rollup"`. */
import { modreg } from "./index.js";

export default modreg.rollup;
