/**
 * Child process for the first-boot rows that import plain JavaScript, run by plain `node`:
 * "modreg (+manifest eval)" imports the manifest module `modreg generate` would write
 * (evaluating it unpacks the records), then creates and starts a container from it;
 * "new (hand-written)" imports the hand-written composition root, one function calling the
 * constructors in order, and calls it. Both are timed from the import of their module to the
 * last instance built, in CPU time, in a process where nothing of theirs is compiled yet. The
 * classes (the application's own code, which every contender needs) and `@modreg/core` (as
 * every peer's library) are imported before the clock starts. The result is checked after.
 *
 * Usage: node test/bench/first-boot-plain.mjs <"modreg (+manifest eval)" | "new (hand-written)"> <graph name>
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process, { stdout } from "node:process";
import { pathToFileURL } from "node:url";

const [who, graph] = process.argv.slice(2);
if (who === undefined || graph === undefined)
  throw new Error("usage: first-boot-plain.mjs <contender> <graph>");
const file = (suffix) => join(import.meta.dirname, ".generated", "runtime", `${graph}.${suffix}`);

const classes = await import(pathToFileURL(file("classes.mjs")).href);
const core = await import("@modreg/core");

/** Node `i`'s instance, as the contender built it. */
let instance;
const t0 = process.cpuUsage();
if (who === "modreg (+manifest eval)") {
  const { manifest } = await import(pathToFileURL(file("manifest.mjs")).href);
  const app = core.createContainer(manifest);
  await app.start();
  instance = (i) => app.get(classes[`M${i}`]);
} else if (who === "new (hand-written)") {
  const { compose } = await import(pathToFileURL(file("hand.mjs")).href);
  const all = compose();
  instance = (i) => all[i];
} else {
  throw new Error(`unknown contender ${who}`);
}
const { user, system } = process.cpuUsage(t0);

const deps = JSON.parse(readFileSync(file("deps.json"), "utf8"));
const step = Math.max(1, Math.floor(deps.length / 200));
for (let i = 0; i < deps.length; i += step) {
  const a = instance(i);
  if (!(a instanceof classes[`M${i}`])) throw new Error(`${who}: node ${i} has the wrong class`);
  for (const d of deps[i]) {
    if (a[`m${d}`] !== instance(d)) throw new Error(`${who}: node ${i}.m${d} is not node ${d}'s instance`);
  }
}
stdout.write(`FIRST_BOOT_NS ${(user + system) * 1000}\n`);
