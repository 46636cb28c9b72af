/** The modreg plugin for rolldown: `import modreg from "@modreg/unplugin/rolldown"`. */
import { modreg } from "./index.js";

export default modreg.rolldown;
