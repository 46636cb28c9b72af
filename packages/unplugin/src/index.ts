/**
 * `@modreg/unplugin`: `modreg generate` inside the build, for Vite, Rollup, Rolldown, esbuild,
 * webpack and Rspack from one source (https://unplugin.unjs.io). It writes the same file as
 * the CLI, regenerates on changes in dev servers and watch builds, reports diagnostics
 * through the bundler, fails a production build on errors, and can lower standard
 * decorators where the bundler would leave them for a runtime that cannot parse them.
 *
 * @example
 * // vite.config.ts
 * import modreg from "@modreg/unplugin/vite";
 * export default { plugins: [modreg({ project: "tsconfig.json" })] };
 */
import path from "node:path";
import {
  configBeside,
  createGenerator,
  createGenerators,
  readConfig,
  resolveTsconfig,
  watchSources,
  type GenerateResult,
  type Generator,
  type SourceWatcher,
} from "@modreg/codegen";
import { createUnplugin, type UnpluginContextMeta } from "unplugin";
import { LOWERABLE, lowerDecorators, readCompilerOptions, usesStandardDecorators } from "./lower.js";
import { checkOptions, type ModregPluginOptions } from "./options.js";
import { errorOf, toError, warningMessages, type BundlerMessage } from "./report.js";

export type { ModregPluginOptions } from "./options.js";

/** The parts of a Vite dev server the plugin uses (no import of Vite's types). */
interface DevServer {
  readonly ws: { send(payload: Record<string, unknown>): void };
  readonly config: { readonly logger: { error(message: string): void; info(message: string): void } };
}

/** The part of a webpack or Rspack compiler the plugin uses (neither is a dependency). */
interface WatchingCompiler {
  readonly hooks: Record<"watchRun" | "watchClose", { tap(name: string, callback: () => void): void }>;
}

interface Warner {
  warn?: (message: BundlerMessage) => void;
}

const major = (version: string | undefined): number => Number(/^(\d+)/.exec(version ?? "")?.[1] ?? 0);

/** The plugin factory; use the per-bundler entry points (`@modreg/unplugin/vite`, …) or `modreg.vite(…)`. */
export const modreg = createUnplugin<ModregPluginOptions | undefined, false>(
  (raw, meta: UnpluginContextMeta) => {
    const options = checkOptions(raw);
    let root = process.cwd();
    /** One per output; the outputs of a config share one program. */
    let generators: Generator[] | undefined;
    /** The files the generators write: never a change to react to. */
    let generated: string[] = [];
    let tsconfig = "";
    /** The `modreg.config.json` the generators were made from; an edit of it makes new ones. */
    let configFile: string | undefined;
    let compilerOptions: ReturnType<typeof readCompilerOptions>;
    let lowering = false;
    let esbuildTarget: string | string[] | undefined;
    let watchMode = false;
    let watcher: SourceWatcher | undefined;
    let server: DevServer | undefined;
    let failing = false;

    const open = (): Generator[] => {
      if (generators) return generators;
      tsconfig = resolveTsconfig(path.resolve(root, options.project ?? "tsconfig.json"));
      const resolve = (file: string | undefined) => file && path.resolve(root, file);
      const single = [options.out, options.json, options.include, options.exclude].some(
        (o) => o !== undefined,
      );
      const config =
        options.config !== undefined ? resolve(options.config) : single ? undefined : configBeside(tsconfig);
      if (config === undefined && options.entries !== undefined)
        throw new Error("modreg plugin: `entries` needs a modreg.config.json (or `config`)");
      configFile = config;
      if (config !== undefined) {
        const outputs = readConfig(config, { cwd: root, entries: options.entries ?? [] }).map((o) => ({
          ...o,
          external: [...(o.external ?? []), ...(options.external ?? [])],
        }));
        generators = createGenerators({ project: tsconfig, outputs });
        generated = outputs.flatMap((o) => [o.out!, ...(o.json !== undefined ? [o.json] : [])]);
      } else {
        generators = [
          createGenerator({
            project: tsconfig,
            ...(options.out !== undefined && { out: resolve(options.out)! }),
            ...(options.json !== undefined && { json: resolve(options.json)! }),
            ...(options.include && { include: options.include }),
            ...(options.exclude && { exclude: options.exclude }),
            ...(options.external && { external: options.external }),
          }),
        ];
        generated = options.json !== undefined ? [resolve(options.json)!] : [];
      }
      compilerOptions = readCompilerOptions(tsconfig);
      return generators;
    };
    /** Runs every output; the outputs of a config share one program. */
    const runAll = (): GenerateResult[] => open().map((g) => g.run());

    /** Whether this bundler leaves standard decorators unlowered (see `lowerDecorators`). */
    const shouldLower = (rolldown: boolean): boolean => {
      const wanted = options.lowerDecorators ?? "auto";
      if (wanted !== "auto") return wanted;
      if (!usesStandardDecorators(compilerOptions)) return false;
      if (meta.framework === "rolldown") return true;
      if (meta.framework === "vite") return rolldown || major(meta.versions.vite) >= 8;
      if (meta.framework === "esbuild") {
        const targets = esbuildTarget === undefined ? [] : [esbuildTarget].flat();
        return targets.length === 0 || targets.some((t) => t.toLowerCase() === "esnext");
      }
      return false;
    };

    /** A run in a dev server or watch build: errors are shown, never fatal; a fix clears them. */
    const report = (results: readonly GenerateResult[]): void => {
      for (const warning of results.flatMap(warningMessages)) console.warn(warning.message);
      const error = errorOf(results);
      if (error) {
        failing = true;
        if (server) {
          server.config.logger.error(error.message);
          server.ws.send({ type: "error", err: { ...error, stack: "" } });
        } else console.error(error.message);
      } else if (failing) {
        failing = false;
        // the overlay stays until the page reloads, also when the fixed manifest equals the old one
        server?.ws.send({ type: "full-reload", path: "*" });
      }
    };

    /** After an edit of the config: generators for its entries as they now are, or the old ones kept. */
    const reopen = (): GenerateResult[] | undefined => {
      const previous = { generators, generated };
      generators = undefined;
      try {
        return runAll();
      } catch (e) {
        ({ generators, generated } = previous);
        const message = `[modreg] ${(e as Error).message}; keeping the previous entries`;
        if (server) server.config.logger.error(message);
        else console.error(message);
        return undefined;
      }
    };
    const watch = (results: readonly GenerateResult[]): void => {
      if (watcher || options.watch === false) return;
      const followed = configFile;
      watcher = watchSources(
        results[0]!.projectDir,
        [...results.map((r) => r.out), ...generated],
        (changed) => {
          if (followed !== undefined && changed.includes(followed)) {
            const fresh = reopen();
            if (fresh === undefined) return;
            report(fresh);
            stop();
            watch(fresh);
            return;
          }
          // the generators share one program: updating one updates them all
          open()[0]!.update(changed);
          report(runAll());
        },
        { keepAlive: false, ...(followed !== undefined && { also: [followed] }) },
      );
    };
    const stop = (): void => {
      watcher?.close();
      watcher = undefined;
    };
    /** webpack and Rspack say they are watching before the first `buildStart` of a watch. */
    const watchHooks = (compiler: unknown): void => {
      const { hooks } = compiler as WatchingCompiler;
      hooks.watchRun.tap("modreg", () => {
        watchMode = true;
      });
      hooks.watchClose.tap("modreg", stop);
    };

    return {
      name: "modreg",
      enforce: "pre",
      buildStart() {
        const context = this as unknown as Warner & {
          meta?: { rolldownVersion?: string; watchMode?: boolean };
        };
        const results = runAll();
        lowering = shouldLower(
          meta.versions.rolldown !== undefined || context.meta?.rolldownVersion !== undefined,
        );
        if (context.meta?.watchMode === true) watchMode = true;
        if (watchMode) {
          report(results);
          watch(results);
          return;
        }
        for (const warning of results.flatMap(warningMessages)) {
          if (context.warn) context.warn(warning);
          else console.warn(warning.message);
        }
        const error = errorOf(results);
        if (error) throw toError(error);
      },
      watchChange(id) {
        // rollup and webpack rebuild after this, and `buildStart` runs again
        generators?.[0]?.update([id]);
      },
      transform: {
        filter: { id: { include: /\.[cm]?tsx?(?:\?.*)?$/, exclude: /[\\/]node_modules[\\/]/ } },
        handler(code, id) {
          if (!lowering) return undefined;
          const fileName = id.replace(/\?.*$/, "");
          if (!LOWERABLE.test(fileName)) return undefined;
          const lowered = lowerDecorators(code, fileName, compilerOptions);
          return lowered && { code: lowered.code, map: lowered.map ?? null };
        },
      },
      vite: {
        configResolved(config) {
          root = config.root;
          watchMode = config.command === "serve";
        },
        configureServer(devServer) {
          server = devServer;
        },
        closeWatcher: stop,
        buildEnd() {
          // a dev server ends its build only when it closes
          if (server) stop();
        },
      },
      rollup: { closeWatcher: stop },
      rolldown: { closeWatcher: stop },
      webpack: watchHooks,
      rspack: watchHooks,
      esbuild: {
        setup(build) {
          esbuildTarget = build.initialOptions.target;
          build.onDispose(stop);
        },
      },
    };
  },
);

export default modreg;
