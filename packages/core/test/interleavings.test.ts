import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DependencyRecord,
  type InjectionKind,
  type ModuleRecord,
  ModuleRegistryError,
  createContainer,
} from "../src/index.js";
import { manifestOf, mod } from "./support.js";

/**
 * Runs of the property; `MODREG_PROPERTY_RUNS=10000` for the full proof (the default keeps
 * `pnpm test` fast).
 */
const RUNS = Number(process.env["MODREG_PROPERTY_RUNS"] ?? 500);

/** `MODREG_PROPERTY_SEED` and `MODREG_PROPERTY_PATH` (from a failure's report) replay one counterexample. */
const seed = process.env["MODREG_PROPERTY_SEED"];
const replay =
  seed === undefined ? {} : { seed: Number(seed), path: process.env["MODREG_PROPERTY_PATH"] ?? "" };

interface Spec {
  readonly scope: "singleton" | "lazy";
  readonly asyncInit: boolean;
  readonly asyncDispose: boolean;
  readonly initFails: boolean;
  /** Edges to modules with a lower index (so the graph is acyclic). */
  readonly deps: readonly { readonly to: number; readonly inject: InjectionKind }[];
}

type Op =
  | { readonly kind: "start" | "dispose" | "child" | "resolveAll" }
  | { readonly kind: "resolve" | "get"; readonly target: number };

const specs = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, i) =>
      fc.record({
        scope: fc.constantFrom("singleton" as const, "lazy" as const),
        asyncInit: fc.boolean(),
        asyncDispose: fc.boolean(),
        initFails: fc.boolean(),
        deps: fc.uniqueArray(
          fc.record({
            to: fc.integer({ min: 0, max: Math.max(0, i - 1) }),
            inject: fc.constantFrom<InjectionKind>("value", "none", "lazy"),
          }),
          { maxLength: i === 0 ? 0 : 3, selector: (d) => d.to },
        ),
      }),
    ),
  ),
);

const ops = (n: number): fc.Arbitrary<Op[]> =>
  fc.array(
    fc.oneof(
      fc.constantFrom<Op>({ kind: "start" }, { kind: "dispose" }, { kind: "child" }, { kind: "resolveAll" }),
      fc.record({
        kind: fc.constantFrom("resolve" as const, "get" as const),
        target: fc.nat({ max: n - 1 }),
      }),
    ),
    { minLength: 1, maxLength: 8 },
  );

interface Count {
  built: number;
  init: number;
  initOk: number;
  disposed: number;
  ready: number;
  shutdown: number;
  /** Logical time the last onInit finished, -1 before. */
  initDoneAt: number;
}

describe("lifecycle under random interleavings", () => {
  it(`constructs, initializes and disposes every module at most once (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        specs.chain((s: readonly Spec[]) => fc.tuple(fc.constant(s), ops(s.length))),
        async (scheduler, [modules, plan]) => {
          let clock = 0;
          let disposeBeganAt = Number.POSITIVE_INFINITY;
          const counts: Count[] = modules.map(() => ({
            built: 0,
            init: 0,
            initOk: 0,
            disposed: 0,
            ready: 0,
            shutdown: 0,
            initDoneAt: -1,
          }));
          const records: ModuleRecord[] = modules.map((spec, i) => {
            const count = counts[i]!;
            const Cls = class {
              constructor() {
                count.built++;
              }
              onInit(): Promise<void> | void {
                count.init++;
                const finish = (): void => {
                  count.initDoneAt = clock++;
                  if (spec.initFails) throw new Error(`m${i} init failed`);
                  count.initOk++;
                };
                if (!spec.asyncInit) return finish();
                return scheduler.schedule(Promise.resolve(), `init m${i}`).then(finish);
              }
              onReady(): Promise<void> {
                count.ready++;
                if (count.initOk !== 1) problems.push(`m${i}: onReady before its onInit finished`);
                return scheduler.schedule(Promise.resolve(), `ready m${i}`);
              }
              onShutdown(): void {
                count.shutdown++;
                if (count.disposed > 0) problems.push(`m${i}: onShutdown after onDispose`);
              }
              onDispose(): Promise<void> | void {
                count.disposed++;
                if (spec.asyncDispose) return scheduler.schedule(Promise.resolve(), `dispose m${i}`);
              }
            };
            const deps: DependencyRecord[] = spec.deps.map((d) => ({ id: `m${d.to}`, inject: d.inject }));
            return mod(`m${i}`, Cls, { scope: spec.scope, asyncInit: spec.asyncInit, deps });
          });
          const app = createContainer(manifestOf(...records), { onWarning: () => undefined });
          const disposedEvents = new Map<string, number>();
          app.on("disposed", ({ id }) => disposedEvents.set(id, (disposedEvents.get(id) ?? 0) + 1));
          const instances = new Map<number, unknown>();
          const problems: string[] = [];
          const succeeded = (target: number, value: unknown): void => {
            const seen = instances.get(target);
            if (seen !== undefined && seen !== value) problems.push(`m${target}: two instances`);
            instances.set(target, value);
            const count = counts[target]!;
            if (count.initOk !== 1) problems.push(`m${target}: handed out before its onInit finished`);
            if (!(count.initDoneAt < disposeBeganAt))
              problems.push(`m${target}: handed out after dispose began`);
          };
          const coded = (error: unknown): void => {
            if (!ModuleRegistryError.is(error)) problems.push(`raw error: ${String(error)}`);
          };
          const run = async (op: Op): Promise<void> => {
            switch (op.kind) {
              case "start":
                return app.start();
              case "dispose":
                disposeBeganAt = Math.min(disposeBeganAt, clock++);
                return app.dispose();
              case "child":
                return app.child().start();
              case "get":
                return succeeded(op.target, app.get(`m${op.target}`));
              case "resolve":
                return succeeded(op.target, await app.resolve(`m${op.target}`));
              case "resolveAll":
                return (await app.resolveAll({})).forEach((value, i) => succeeded(i, value));
            }
          };
          const settled = plan.map((op) =>
            scheduler
              .schedule(Promise.resolve(), `${op.kind}${"target" in op ? ` m${op.target}` : ""}`)
              .then(() => run(op))
              .catch(coded),
          );
          await scheduler.waitFor(Promise.all(settled));
          await scheduler.waitFor(app.dispose().catch(coded));
          // Builds that finish after disposal dispose themselves, a few microtasks later.
          do {
            await scheduler.waitAll();
            await new Promise((resolve) => setTimeout(resolve, 0));
          } while (scheduler.count() > 0);
          counts.forEach((count, i) => {
            const name = `m${i}`;
            if (count.built > 1) problems.push(`${name}: constructed ${count.built} times`);
            if (count.init > count.built) problems.push(`${name}: initialized without being constructed`);
            if (count.init > 1) problems.push(`${name}: initialized ${count.init} times`);
            if (count.disposed > 1) problems.push(`${name}: disposed ${count.disposed} times`);
            if (count.disposed !== count.initOk) {
              problems.push(`${name}: initialized ${count.initOk}, disposed ${count.disposed}`);
            }
            if ((disposedEvents.get(name) ?? 0) > 1) problems.push(`${name}: two "disposed" events`);
            if (count.ready > 1) problems.push(`${name}: onReady ${count.ready} times`);
            if (count.shutdown > count.ready) problems.push(`${name}: onShutdown without onReady`);
          });
          expect(
            problems,
            `${scheduler
              .report()
              .map((t) => `${t.label} ${t.status}`)
              .join(", ")}\ncounts: ${JSON.stringify(counts)}`,
          ).toEqual([]);
        },
      ),
      { numRuns: RUNS, ...replay },
    );
  });
});
