import { createApp, optionsFromEnv } from "./app.js";
import { ExportRun } from "./export-run.js";
import { ExportService } from "./export-service.js";
import { tokens } from "./modules.generated.js";

const { env, features } = optionsFromEnv(process.env);
console.log(
  `modreg example shop (env: ${env}, features: ${features.length > 0 ? features.join(", ") : "none"})`,
);

// `timings: true` makes the container measure each constructor and onInit for the trace.
const app = createApp({ env, features, timings: true });
const built: string[] = [];
const constructorMs = new Map<string, number>();
app.on("built", ({ id, ms }) => constructorMs.set(id, ms));
app.on("initialized", ({ id, ms }) => {
  built.push(id);
  console.log(
    `  + built ${id} (construct ${(constructorMs.get(id) ?? 0).toFixed(2)} ms, init ${ms.toFixed(2)} ms)`,
  );
});
app.on("failed", ({ id, error }) => console.log(`  x failed ${id}: ${String(error)}`));
app.on("disposed", ({ id }) => console.log(`  - disposed ${id}`));

console.log("\nStarting: singletons in load order, each onInit awaited");
const started = performance.now();
await app.start();
const startMs = performance.now() - started;
console.log(`Started ${built.length} modules in ${startMs.toFixed(1)} ms: ${built.join(" -> ")}`);

console.log(`  Logger (an interface) is implemented by ${app.get(tokens.Logger).constructor.name} here`);
for (const info of app.modules()) {
  if (!info.active) console.log(`  inactive: ${info.id} (${info.inactiveReason ?? "condition not met"})`);
  else if (info.state === "pending") console.log(`  not built yet: ${info.id} (${info.scope})`);
}

console.log('\nExporters found by capability: discover({ capabilities: ["export"], optional: ["tabular"] })');
for (const info of app.discover({ capabilities: ["export"], optional: ["tabular"] })) {
  console.log(`  ${info.id}@${info.version} [${info.capabilities.join(", ")}]`);
}

for (const [tenant, format] of [
  ["acme", "csv"],
  ["globex", "json"],
  ["acme", "pdf"],
] as const) {
  console.log(
    `\nExport for ${tenant} as ${format} (a scope per request: a scoped ExportRun, a new ExportJob):`,
  );
  // one scope per export request: the scoped ExportRun is built in it and disposed with it
  await using scope = app.scope({ values: { "export-request": { tenant, format } } });
  const document = scope.get(ExportRun).run();
  for (const line of document.split("\n").slice(0, 4)) console.log(`    | ${line}`);
}

console.log("\nReport (the lazy analytics module is built on first use):");
for (const { tenant, orders, revenue } of app.get(ExportService).report()) {
  console.log(`    ${tenant}: ${orders} orders, ${revenue} EUR`);
}

console.log("\nDisposing in reverse build order");
await app.dispose();
console.log("Disposed cleanly.");
