/** The `modreg` executable: runs the command line and sets the exit code. */
import { main } from "./cli/main.js";

process.exitCode = await main(process.argv.slice(2));
