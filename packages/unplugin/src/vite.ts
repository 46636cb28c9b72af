/** The modreg plugin for vite: `import modreg from "@modreg/unplugin/vite"`. */
import { modreg } from "./index.js";

export default modreg.vite;
