/** The modreg plugin for rspack: `import modreg from "@modreg/unplugin/rspack"`. */
import { modreg } from "./index.js";

export default modreg.rspack;
