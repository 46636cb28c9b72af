/** The machine a run happened on, printed with every run so figures are never read bare. */
import { availableParallelism, cpus, loadavg, release, totalmem, type } from "node:os";

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return [
    `- machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, ${type()} ${release()}`,
    `- node ${process.version} (V8 ${process.versions.v8}); load average at start: ${load}`,
    "",
  ].join("\n");
}

/** The 1-minute load average, printed at each section: figures under load >2 on 2 cores are noisy. */
export function load(): string {
  return `load average (1 min): ${loadavg()[0]?.toFixed(2) ?? "?"}`;
}
