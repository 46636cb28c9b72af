/**
 * `pnpm bench`: the runtime races, cold boot and codegen scale, printed as Markdown tables.
 * `BENCH_QUICK=1 pnpm bench` runs a reduced version (the CI smoke check): every contender is
 * still checked for correctness before it is timed, but no time is ever asserted.
 */
import { coldBoot } from "./boot.ts";
import { modregFailures, noteFailure } from "./check.ts";
import { codegenScale } from "./codegen.ts";
import { deepChains } from "./deep.ts";
import { load, machine } from "./machine.ts";
import { loadModreg, modreg, MODREG_SETUP, PEERS, versionOf, type Peer } from "./peers.ts";
import { table } from "./report.ts";
import { runtimeRaces } from "./runtime.ts";
import { scopedRaces } from "./scoped.ts";
import { summarise } from "./targets.ts";

const quick = process.env["BENCH_QUICK"] === "1";
/** `BENCH_ONLY=boot,deep`: only these sections (races, scoped, boot, deep, codegen); the targets of the rest read "not measured". */
const only = process.env["BENCH_ONLY"]?.split(",").map((s) => s.trim());
const runs = (section: string): boolean => only === undefined || only.includes(section);
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const started = Date.now();
  log(`# modreg benchmarks${quick ? " (BENCH_QUICK=1: reduced)" : ""}\n`);
  log(machine());

  const createContainer = await loadModreg();
  const containers: Peer[] = [];
  const unavailable: { name: string; why: string }[] = [];
  if (typeof createContainer === "string") {
    unavailable.push({ name: "modreg", why: createContainer });
    noteFailure("modreg", createContainer);
  } else containers.push(modreg(createContainer));
  containers.push(...PEERS);

  log(
    table(
      ["contender", "version", "setup under tsx (no emitDecoratorMetadata)"],
      [
        ["modreg", versionOf("@modreg/core"), MODREG_SETUP],
        ...PEERS.map((p) => [p.name, versionOf(p.pkg), p.setup]),
      ],
      [2],
    ) + "\n",
  );

  if (runs("races")) log(`## Runtime races\n\n_${load()}_\n`);
  const races = runs("races")
    ? await runtimeRaces(
        containers,
        unavailable,
        quick ? { minCpuTime: 100e6, rounds: 1 } : { minCpuTime: 300e6, rounds: 5 },
        log,
      )
    : [];

  if (runs("boot")) log(`## Cold boot\n\n_${load()}_\n`);
  const bootContainers =
    typeof createContainer === "string"
      ? containers
      : [containers[0], modreg(createContainer, true), ...PEERS];
  const boots = runs("boot")
    ? await coldBoot(
        bootContainers.filter((c): c is Peer => c !== undefined),
        unavailable,
        quick
          ? { sizes: [1_000], maxSamples: 3, budgetMs: 1_000, firstBootRuns: 1 }
          : { sizes: [1_000, 10_000], maxSamples: 15, budgetMs: 20_000, firstBootRuns: 5 },
        log,
      )
    : [];

  if (runs("deep") && typeof createContainer !== "string") {
    log(`## Deep chains\n\n_${load()}_\n`);
    await deepChains(
      createContainer,
      quick ? { length: 10_000, samples: 1 } : { length: 100_000, samples: 3 },
      log,
    );
  }

  // After the boots: the provider race calls provide(), and a provider no generated manifest
  // lists makes every later generated manifest warn that it is stale (rightly, in an app),
  // which would put a process warning inside modreg's boot figures.
  if (runs("scoped") && typeof createContainer !== "string") {
    log(`## Scoped lifetimes and provider functions\n\n_${load()}_\n`);
    const scoped = await scopedRaces(
      quick ? { minCpuTime: 100e6, rounds: 1 } : { minCpuTime: 300e6, rounds: 5 },
      log,
    );
    if (scoped !== undefined)
      log(`modreg scope + get: ${scoped.toFixed(1)}× hand-written \`new\` (target: within 3×)\n`);
  }

  if (runs("codegen")) log(`## Codegen scale\n\n_${load()}_\n`);
  const codegen = runs("codegen")
    ? await codegenScale(
        quick
          ? { sizes: [300], runs: 1, watchEdits: 2, bootGenerated: true, realWorld: false }
          : { sizes: [1_000, 10_000], runs: 3, watchEdits: 5, bootGenerated: true, realWorld: true },
        log,
      )
    : [];

  log(summarise(races, boots, codegen));
  log(`_${load()}_\n`);
  log(`(${quick ? "quick " : ""}run took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (modregFailures.length > 0) {
    console.error(`modreg produced wrong results:\n${modregFailures.map((f) => `- ${f}`).join("\n")}`);
    process.exitCode = 1;
  }
}

await main();
