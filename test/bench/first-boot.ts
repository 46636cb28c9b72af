/**
 * Child process for the "first boot in a fresh process" column of modreg and the peers: imports
 * one graph, boots it once with one contender and prints the CPU time. Nothing is warm: not the
 * container's code, not the 10,000 constructors, which is what an application pays when it
 * starts. Import-time work (decorators, registration metadata; modreg's manifest) is done before
 * the clock starts. The rows that time importing their plain-JavaScript module — modreg's
 * generated manifest and the hand-written composition root — run in first-boot-plain.mjs.
 *
 * Usage: tsx test/bench/first-boot.ts <contender> <graph name>
 */
import { checkGraph, sampleNodes } from "./check.ts";
import { importGraph } from "./graphs.ts";
import { loadModreg, modreg, PEERS, type Peer } from "./peers.ts";

const [who, graphName] = process.argv.slice(2);
if (who === undefined || graphName === undefined) throw new Error("usage: first-boot.ts <contender> <graph>");

async function contender(name: string): Promise<Peer> {
  if (name === "modreg") {
    const create = await loadModreg();
    if (typeof create === "string") throw new Error(create);
    return modreg(create);
  }
  const peer = PEERS.find((p) => p.name === name);
  if (peer === undefined) throw new Error(`unknown contender ${name}`);
  return peer;
}

const g = await importGraph(graphName);
const peer = await contender(who);
peer.prepare(g);
const t0 = process.cpuUsage();
const inst = await peer.boot(g);
const { user, system } = process.cpuUsage(t0);
checkGraph(peer.name, g, inst, sampleNodes(g, 200));
console.log(`FIRST_BOOT_NS ${(user + system) * 1000}`);
