/**
 * modreg and the six peers, each set up the way its documentation shows for code compiled by
 * tsx/esbuild: no `emitDecoratorMetadata`, so every dependency is named explicitly. Legacy
 * parameter decorators (tsyringe, InversifyJS) are applied with the library's own decorator
 * functions, exactly as `experimentalDecorators` output calls them, because esbuild compiles
 * `@decorator` syntax as TC39 decorators here and TC39 has no parameter decorators.
 */
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Container as NeedleContainer } from "@needle-di/core";
import { asClass, createContainer as createAwilix, InjectionMode, type Resolver } from "awilix";
import {
  Container as InversifyContainer,
  decorate,
  inject as inversifyInject,
  injectable as inversifyInjectable,
} from "inversify";
import { createInjector, Scope as TypedInjectScope } from "typed-inject";
import { ContainerInstance } from "typedi";
import {
  container as tsyringeRoot,
  inject as tsyringeInject,
  injectable as tsyringeInjectable,
  Lifecycle,
} from "tsyringe";
import type { Manifest } from "@modreg/core";
import type { Graph } from "./graphs.ts";

/** A container holding one graph, reduced to what the races call. */
export interface Instance {
  /** The peer's own resolve call. */
  readonly get: (key: unknown) => unknown;
  /** The key the peer resolves node `i` by (class, name or token). */
  readonly keys: readonly unknown[];
  /** The classes node `i` must be an instance of. */
  readonly classes: Graph["classes"];
}

export interface Peer {
  readonly name: string;
  readonly pkg: string;
  /** What the peer needed to run under tsx without `emitDecoratorMetadata`. */
  readonly setup: string;
  /** Has a scope that builds a new instance per resolve. */
  readonly transient: boolean;
  /**
   * Import-time work, done once per graph before anything is timed: what decorators or a
   * generated manifest's top-level code do when the application's modules are imported.
   */
  prepare(g: Graph): void;
  /** New container with the graph registered; singletons not necessarily built. */
  create(g: Graph): Instance | Promise<Instance>;
  /** New container, every singleton built: what an application does at start-up. */
  boot(g: Graph): Instance | Promise<Instance>;
}

const ROOT = join(import.meta.dirname, "..", "..");

/** Installed version of a root dependency. */
export function versionOf(pkg: string): string {
  const json = JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as {
    version: string;
  };
  return json.version;
}

/** Resolves every node once, dependencies first: the peers build singletons on first resolve. */
function resolveAll(g: Graph, inst: Instance): Instance {
  for (const i of g.order) inst.get(inst.keys[i]);
  return inst;
}

/** Runs `prepare` once per graph: class-level metadata is written when the class is defined. */
function oncePerGraph(prepare: (g: Graph) => void): (g: Graph) => void {
  const done = new WeakSet<Graph>();
  return (g) => {
    if (done.has(g)) return;
    done.add(g);
    prepare(g);
  };
}

function classOf(g: Graph, i: number): Graph["classes"][number] {
  const c = g.classes[i];
  if (c === undefined) throw new Error(`${g.name}: no node ${i}`);
  return c;
}

// --- modreg -------------------------------------------------------------------------------

interface ModregContainer {
  start(): Promise<void>;
  get(key: unknown): unknown;
  dispose(): Promise<void>;
}
export type CreateContainer = (manifest: Manifest) => ModregContainer;

/** `createContainer` from the built `@modreg/core`, or the reason it cannot be measured. */
export async function loadModreg(): Promise<CreateContainer | string> {
  try {
    const core = (await import("@modreg/core")) as { createContainer?: unknown };
    if (typeof core.createContainer !== "function") {
      return "@modreg/core does not export createContainer yet";
    }
    return core.createContainer as CreateContainer;
  } catch (e) {
    return `@modreg/core failed to load: ${String(e)}`;
  }
}

export const MODREG_SETUP =
  "generated packed manifest: classes + JSON data, one shared construction path; direct `create: (r) => new X(r(0), …)` for factory modules";

/**
 * modreg from a manifest as `modreg generate` writes it. With `includeManifest`, boot also
 * evaluates the manifest literal (what importing the generated file costs at start-up),
 * which is the counterpart of the peers' registration calls.
 */
export function modreg(createContainer: CreateContainer, includeManifest = false): Peer {
  const manifests = new WeakMap<Graph, Manifest>();
  const manifestOf = (g: Graph): Manifest => {
    let m = manifests.get(g);
    if (m === undefined) manifests.set(g, (m = g.buildManifest()));
    return m;
  };
  const start = async (g: Graph): Promise<Instance> => {
    const app = createContainer(includeManifest ? g.buildManifest() : manifestOf(g));
    await app.start();
    return { get: (k) => app.get(k), keys: g.classes, classes: g.classes };
  };
  return {
    name: includeManifest ? "modreg (+manifest eval)" : "modreg",
    pkg: "@modreg/core",
    setup: MODREG_SETUP,
    transient: true,
    prepare: (g) => {
      if (!includeManifest) manifestOf(g);
    },
    create: start,
    boot: start,
  };
}

// --- tsyringe -----------------------------------------------------------------------------

const tsyringePrepare = oncePerGraph((g) => {
  g.classes.forEach((c, i) => {
    (g.deps[i] ?? []).forEach((d, j) => {
      (tsyringeInject(classOf(g, d) as never) as (t: unknown, k: undefined, i: number) => void)(
        c,
        undefined,
        j,
      );
    });
    (tsyringeInjectable() as (t: unknown) => void)(c);
  });
});

export const tsyringe: Peer = {
  name: "tsyringe",
  prepare: tsyringePrepare,
  pkg: "tsyringe",
  setup: "reflect-metadata; `@injectable()` + `@inject(Class)` per parameter, applied as functions",
  transient: true,
  create(g) {
    tsyringePrepare(g);
    const c = tsyringeRoot.createChildContainer();
    g.classes.forEach((cls, i) => {
      const lifecycle = g.scopes[i] === "factory" ? Lifecycle.Transient : Lifecycle.Singleton;
      c.register(cls as never, { useClass: cls }, { lifecycle });
    });
    return { get: (k) => c.resolve(k as never), keys: g.classes, classes: g.classes };
  },
  boot(g) {
    return resolveAll(g, this.create(g) as Instance);
  },
};

// --- InversifyJS --------------------------------------------------------------------------

const inversifyPrepare = oncePerGraph((g) => {
  g.classes.forEach((c, i) => {
    decorate(inversifyInjectable(), c);
    (g.deps[i] ?? []).forEach((d, j) => decorate(inversifyInject(classOf(g, d)), c, j));
  });
});

export const inversify: Peer = {
  name: "inversify",
  prepare: inversifyPrepare,
  pkg: "inversify",
  setup: "`decorate(injectable())` + `decorate(inject(Class), C, i)` (its no-decorator API)",
  transient: true,
  create(g) {
    inversifyPrepare(g);
    const c = new InversifyContainer();
    g.classes.forEach((cls, i) => {
      const b = c.bind(cls).toSelf();
      if (g.scopes[i] === "factory") b.inTransientScope();
      else b.inSingletonScope();
    });
    return { get: (k) => c.get(k as never), keys: g.classes, classes: g.classes };
  },
  boot(g) {
    return resolveAll(g, this.create(g) as Instance);
  },
};

// --- TypeDI -------------------------------------------------------------------------------

const typediPrepare = oncePerGraph((g) => {
  g.classes.forEach((c, i) => {
    Reflect.defineMetadata(
      "design:paramtypes",
      (g.deps[i] ?? []).map((d) => classOf(g, d)),
      c,
    );
  });
});

let typediContainers = 0;

export const typedi: Peer = {
  name: "typedi",
  prepare: typediPrepare,
  pkg: "typedi",
  setup:
    "reflect-metadata; `design:paramtypes` written by hand (its only constructor-injection input), `set({ id, type, transient })`",
  transient: true,
  create(g) {
    typediPrepare(g);
    const c = new ContainerInstance(`bench-${typediContainers++}`);
    g.classes.forEach((cls, i) => {
      c.set({ id: cls, type: cls, transient: g.scopes[i] === "factory" });
    });
    return { get: (k) => c.get(k as never), keys: g.classes, classes: g.classes };
  },
  boot(g) {
    return resolveAll(g, this.create(g) as Instance);
  },
};

// --- Awilix -------------------------------------------------------------------------------

export const awilix: Peer = {
  name: "awilix",
  prepare: () => undefined,
  pkg: "awilix",
  setup: "InjectionMode.CLASSIC (constructor parameter names = registration names), `asClass`",
  transient: true,
  create(g) {
    const c = createAwilix({ injectionMode: InjectionMode.CLASSIC });
    const registrations: Record<string, Resolver<unknown>> = {};
    g.classes.forEach((cls, i) => {
      const r = asClass(cls as never);
      registrations[g.names[i] ?? ""] = g.scopes[i] === "factory" ? r.transient() : r.singleton();
    });
    c.register(registrations);
    return { get: (k) => c.resolve(k as string), keys: g.names, classes: g.classes };
  },
  boot(g) {
    return resolveAll(g, this.create(g) as Instance);
  },
};

// --- typed-inject -------------------------------------------------------------------------

interface UntypedInjector {
  provideClass(token: string, cls: unknown, scope: TypedInjectScope): UntypedInjector;
  resolve(token: string): unknown;
}

const typedInjectPrepare = oncePerGraph((g) => {
  g.classes.forEach((c, i) => {
    (c as unknown as { inject: readonly string[] }).inject = (g.deps[i] ?? []).map((d) => g.names[d] ?? "");
  });
});

export const typedInject: Peer = {
  name: "typed-inject",
  prepare: typedInjectPrepare,
  pkg: "typed-inject",
  setup: "`static inject = [...] as const` token lists; `provideClass` chained in dependency order",
  transient: true,
  create(g) {
    typedInjectPrepare(g);
    let inj = createInjector() as unknown as UntypedInjector;
    for (const i of g.order) {
      const scope = g.scopes[i] === "factory" ? TypedInjectScope.Transient : TypedInjectScope.Singleton;
      inj = inj.provideClass(g.names[i] ?? "", classOf(g, i), scope);
    }
    const last = inj;
    return { get: (k) => last.resolve(k as string), keys: g.names, classes: g.classes };
  },
  boot(g) {
    return resolveAll(g, this.create(g) as Instance);
  },
};

// --- needle-di ----------------------------------------------------------------------------

export const needle: Peer = {
  name: "needle-di",
  prepare: () => undefined,
  pkg: "@needle-di/core",
  setup: "twin classes with `inject(Class)` parameter defaults, `bind(Class)`; no transient scope",
  transient: false,
  create(g) {
    const c = new NeedleContainer();
    for (const cls of g.needleClasses) c.bind(cls);
    return { get: (k) => c.get(k as never), keys: g.needleClasses, classes: g.needleClasses };
  },
  boot(g) {
    return resolveAll(g, this.create(g) as Instance);
  },
};

/** The six peers, in the order the tables list them. */
export const PEERS: readonly Peer[] = [tsyringe, inversify, typedi, awilix, typedInject, needle];
