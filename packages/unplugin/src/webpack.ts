/** The modreg plugin for webpack: `import modreg from "@modreg/unplugin/webpack"`. */
import { modreg } from "./index.js";

export default modreg.webpack;
