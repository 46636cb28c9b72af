/**
 * Child process for the "first boot in a fresh process" column: imports one graph, boots it
 * once with one contender and prints the time. Nothing is warm: not the container's code, not
 * the 10,000 constructors, which is what an application pays when it starts. Import-time work
 * (decorators, evaluating a generated manifest) is done before the clock starts, except for
 * "modreg (+manifest eval)", which times it. "new (hand-written)" is the composition root a
 * user could write by hand: one function calling the 10,000 constructors in order, compiled
 * for the first time in this process like every contender's code.
 *
 * Usage: tsx test/bench/first-boot.ts <contender> <graph name>
 */
import { checkGraph, checkHandBuild, HAND_WRITTEN, sampleNodes } from "./check.ts";
import { importGraph } from "./graphs.ts";
import { loadModreg, modreg, PEERS, type Peer } from "./peers.ts";

const [who, graphName] = process.argv.slice(2);
if (who === undefined || graphName === undefined) throw new Error("usage: first-boot.ts <contender> <graph>");

async function contender(name: string): Promise<Peer> {
  if (name.startsWith("modreg")) {
    const create = await loadModreg();
    if (typeof create === "string") throw new Error(create);
    return modreg(create, name !== "modreg");
  }
  const peer = PEERS.find((p) => p.name === name);
  if (peer === undefined) throw new Error(`unknown contender ${name}`);
  return peer;
}

const g = await importGraph(graphName);
if (who === HAND_WRITTEN) {
  const t0 = process.hrtime.bigint();
  const all = g.handBuild();
  const ns = Number(process.hrtime.bigint() - t0);
  checkHandBuild(g, all);
  console.log(`FIRST_BOOT_NS ${ns}`);
} else {
  const peer = await contender(who);
  peer.prepare(g);
  const t0 = process.hrtime.bigint();
  const inst = await peer.boot(g);
  const ns = Number(process.hrtime.bigint() - t0);
  checkGraph(peer.name, g, inst, sampleNodes(g, 200));
  console.log(`FIRST_BOOT_NS ${ns}`);
}
