import {
  RESOLVER_KEY,
  TENANT_CONTEXT_KEY,
  parseDependencySpec,
  type DependencyRecord,
  type InjectionKind,
} from "@modreg/core";
import { error, type Diagnostic } from "../diagnostics.js";
import type { Location, ScanResult, ScannedParam, TypeShape } from "../records.js";
import type { DependencyEntry, NormalizedModule } from "./options.js";

/** An edge of the graph, with where it was written. */
export interface Edge {
  readonly to: string;
  /** Build edges are built first and can form cycles; `Lazy`/`Factory` edges cannot. */
  readonly build: boolean;
  readonly range: string | undefined;
  readonly location: Location;
}

/** What resolving one module's dependencies produced. */
export interface ResolvedModule {
  readonly module: NormalizedModule;
  readonly deps: DependencyRecord[];
  readonly edges: Edge[];
  /** Constructor positions left to their default value (`ModuleData.defaults`). */
  readonly defaults: number[];
}

/** What resolution reads from the scan besides the modules: declarations, collisions, explanations. */
export type ScanFacts = Pick<ScanResult, "types" | "collisions" | "explained">;

/**
 * Modules another error already left out of the graph (options that could not be read, a
 * duplicate id): what asks for them is a follow-on of that error, never reported on its own.
 */
export interface Dropped {
  /** Their class keys and every key they extend or implement. */
  readonly keys: ReadonlySet<string>;
  /** Their ids, where the options name one (else the class name). */
  readonly ids: ReadonlySet<string>;
}

const NOTHING_DROPPED: Dropped = { keys: new Set(), ids: new Set() };

/** The keys and ids resolving one module looked up. */
export interface Reads {
  readonly keys: Set<string>;
  readonly ids: Set<string>;
}

/** Which modules exist, by id, class key and provided key; `active` narrows them for `modreg check --env`. */
export class ModuleIndex {
  readonly byId = new Map<string, NormalizedModule>();
  private readonly byKey = new Map<string, NormalizedModule>();
  private readonly byProvided = new Map<string, NormalizedModule[]>();
  /** Keys two declarations share (MR2013): what their parameters resolve to means nothing. */
  readonly collided: ReadonlySet<string>;
  /** Keys reported missing (MR3003), which the scanner can explain (`ProjectScanner.explain`). */
  readonly missing = new Set<string>();
  /** While set, every key and id a lookup reads is recorded in it (`reuse.ts`). */
  reads: Reads | undefined;

  constructor(
    modules: readonly NormalizedModule[],
    readonly isActive: (module: NormalizedModule) => boolean,
    readonly condition: string | undefined,
    /** Ids the host app provides (`--external`): named by `dependencies`, not defined here. */
    readonly external: ReadonlySet<string> = new Set(),
    readonly facts: ScanFacts = { types: new Map(), collisions: [] },
    readonly dropped: Dropped = NOTHING_DROPPED,
  ) {
    this.collided = new Set(facts.collisions.map((c) => c.key));
    for (const m of modules) {
      if (!this.byId.has(m.id)) this.byId.set(m.id, m);
      this.byKey.set(m.scanned.key, m);
      for (const key of [m.scanned.key, ...m.scanned.heritage]) {
        const list = this.byProvided.get(key);
        if (list) list.push(m);
        else this.byProvided.set(key, [m]);
      }
    }
    for (const list of this.byProvided.values())
      list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The module with this id. */
  module(id: string): NormalizedModule | undefined {
    this.reads?.ids.add(id);
    return this.byId.get(id);
  }

  /** An id the host app provides (`--external`). */
  isExternal(id: string): boolean {
    this.reads?.ids.add(id);
    return this.external.has(id);
  }

  /** An id of a module another error left out (`Dropped`). */
  isDroppedId(id: string): boolean {
    this.reads?.ids.add(id);
    return this.dropped.ids.has(id);
  }

  /** A key two declarations share (MR2013). */
  isCollided(key: string): boolean {
    this.reads?.keys.add(key);
    return this.collided.has(key);
  }

  /** A key a module another error left out provided (`Dropped`). */
  isDroppedKey(key: string): boolean {
    this.reads?.keys.add(key);
    return this.dropped.keys.has(key);
  }

  /** Whether every lookup of `key` answers the same here as in `other` (same module objects). */
  sameKey(other: ModuleIndex, key: string): boolean {
    return (
      this.byKey.get(key) === other.byKey.get(key) &&
      sameModules(this.byProvided.get(key), other.byProvided.get(key)) &&
      this.collided.has(key) === other.collided.has(key) &&
      this.dropped.keys.has(key) === other.dropped.keys.has(key)
    );
  }

  /** Whether every lookup of `id` answers the same here as in `other`. */
  sameId(other: ModuleIndex, id: string): boolean {
    return (
      this.byId.get(id) === other.byId.get(id) &&
      this.external.has(id) === other.external.has(id) &&
      this.dropped.ids.has(id) === other.dropped.ids.has(id)
    );
  }

  /** The module whose class has this key. */
  ofClass(key: string): NormalizedModule | undefined {
    this.reads?.keys.add(key);
    return this.byKey.get(key);
  }

  /** Every module that is, extends or implements `key`, ordered by id. */
  providers(key: string): NormalizedModule[] {
    this.reads?.keys.add(key);
    return this.byProvided.get(key) ?? [];
  }

  /** True when `module` is or extends/implements `key`. */
  fits(module: NormalizedModule, key: string): boolean {
    return module.scanned.key === key || module.scanned.heritage.includes(key);
  }
}

/** The same module objects in the same order (called once per key a module read, on every run: allocates nothing). */
function sameModules(
  mine: readonly NormalizedModule[] | undefined,
  theirs: readonly NormalizedModule[] | undefined,
): boolean {
  if (mine === theirs) return true;
  const length = mine?.length ?? 0;
  if (length !== (theirs?.length ?? 0)) return false;
  for (let i = 0; i < length; i++) if (mine![i] !== theirs![i]) return false;
  return true;
}

/** Resolves a module's constructor parameters and extra dependencies into manifest records and graph edges. */
export function resolveModule(
  module: NormalizedModule,
  index: ModuleIndex,
  diagnostics: Diagnostic[],
): ResolvedModule {
  const deps: DependencyRecord[] = [];
  const edges: Edge[] = [];
  const defaults: number[] = [];
  const injected = module.scanned.params.slice(0, module.scanned.params.length - module.args.length);
  for (const [position, param] of injected.entries()) {
    if (leftToDefault(module, param)) {
      defaults.push(position);
      continue;
    }
    const resolved = resolveParam(module, param, index, diagnostics);
    if (resolved === undefined) continue;
    deps.push(resolved.dep);
    edges.push(...resolved.edges);
  }
  for (const [entries, optional] of [
    [module.dependencies, false],
    [module.optionalDependencies, true],
  ] as const) {
    for (const entry of entries) {
      const resolved = resolveEntry(module, entry, optional, index, diagnostics);
      if (resolved === undefined) continue;
      deps.push(resolved.dep);
      edges.push(...resolved.edges);
    }
  }
  return { module, deps, edges, defaults };
}

/**
 * A parameter only a provider chosen by id could fill (a primitive, union, anonymous or
 * untyped one) that has a default value and is not chosen: it keeps its default.
 */
function leftToDefault(module: NormalizedModule, param: ScannedParam): boolean {
  return (
    param.defaulted === true &&
    !param.rest &&
    param.wrapper === "value" &&
    !param.multi &&
    param.target.kind === "unsupported" &&
    !module.inject.has(param.name)
  );
}

function resolveParam(
  module: NormalizedModule,
  param: ScannedParam,
  index: ModuleIndex,
  diagnostics: Diagnostic[],
): { dep: DependencyRecord; edges: Edge[] } | undefined {
  const owner = `parameter \`${param.name}\` of ${module.id}`;
  const { target } = param;
  const override = module.inject.get(param.name);
  const chosenById = override !== undefined && typeof override.spec === "string";
  // a primitive, union or anonymous type: only a provider chosen by id can fill it
  const byIdOnly = target.kind === "unsupported" && target.shape !== undefined && !param.multi;
  if (param.rest || (target.kind === "unsupported" && !(byIdOnly && chosenById))) {
    const reason = target.kind === "unsupported" ? target.reason : "rest parameters cannot be injected";
    if (param.wrapper !== "value" && !param.rest) {
      diagnostics.push(
        error(
          "MR2012",
          `${owner}: ${param.wrapper === "lazy" ? "Lazy" : "Factory"}<${param.typeText.replace(/^\w+<|>$/g, "")}> must wrap a module class, an abstract class or an interface (${reason})`,
          param.location,
          {
            hint: "wrap a type that a @Module class is, extends or implements",
          },
        ),
      );
    } else {
      diagnostics.push(
        error("MR2011", `${owner} cannot be injected: ${reason}`, param.location, {
          hint:
            module.scope === "factory"
              ? `type it as a @Module class, an interface or abstract class that a module implements, or list it in args to pass it at call time`
              : byIdOnly
                ? `give it a provider and choose it by id: inject: { ${param.name}: "<id>" } with export const x = provide({ id: "<id>" }, () => ...); or give it a default value (\`${param.name} = ...\`), which it then keeps`
                : `type it as a @Module class, or an interface or abstract class that a module implements`,
        }),
      );
    }
    return undefined;
  }
  const inject: InjectionKind = param.wrapper;
  const base = {
    ...(param.optional && { optional: true }),
    ...(inject !== "value" && { inject }),
    param: param.name,
  };
  const build = inject === "value";
  if (target.kind === "interface" && target.key === RESOLVER_KEY) {
    return resolverParam(module, param, override !== undefined, owner, diagnostics);
  }
  if (target.kind === "interface" && target.key === TENANT_CONTEXT_KEY) {
    return tenantContextParam(module, param, base, owner, diagnostics);
  }
  if (override !== undefined && typeof override.spec === "string") {
    const { id, range } = parseDependencySpec(override.spec);
    const chosen = index.module(id);
    if (chosen === undefined) {
      if (!index.isDroppedId(id))
        diagnostics.push(unknownId(module, id, `inject.${param.name}`, override.location, index));
      return undefined;
    }
    if (target.kind === "unsupported") {
      if (!fitsShape(chosen, target.shape ?? [], param.optional)) {
        diagnostics.push(
          error(
            "MR3008",
            `inject chooses "${id}" for ${owner}, but ${describeChosen(chosen)}, which does not fit \`${param.typeText}\``,
            override.location,
            { hint: "choose a provider whose function returns that type, or change the parameter's type" },
          ),
        );
        return undefined;
      }
    } else if (!index.fits(chosen, target.key) || param.multi) {
      diagnostics.push(
        error(
          "MR3008",
          `inject chooses "${id}" for ${owner}, but ${chosen.scanned.provider ? describeChosen(chosen) + ", not" : `${chosen.scanned.className ?? id} is not`} a ${target.name}${param.multi ? " (array parameters take every provider; inject cannot pick one)" : ""}`,
          override.location,
          {
            hint: param.multi
              ? `remove inject.${param.name}`
              : `choose one of: ${
                  index
                    .providers(target.key)
                    .map((m) => `"${m.id}"`)
                    .join(", ") || "(no module provides it)"
                }`,
          },
        ),
      );
      return undefined;
    }
    checkFactory(module, param, [chosen], diagnostics);
    return {
      dep: { id, ...(range !== undefined && { range }), ...base },
      edges: inactiveSkip(index, [chosen]).map((m) => ({
        to: m.id,
        build,
        range,
        location: override.location,
      })),
    };
  }
  if (target.kind === "unsupported") return undefined; // chosen by id above, or reported
  // MR2013 already says why: which modules provide a shared key is meaningless
  if (index.isCollided(target.key)) return undefined;
  const own = target.kind === "class" ? index.ofClass(target.key) : undefined;
  const rivals = own && index.providers(target.key).filter((m) => m.scanned.provider && index.isActive(m));
  if (own !== undefined && rivals !== undefined && rivals.length > 0 && !param.multi) {
    diagnostics.push(
      error(
        "MR3004",
        `${owner} is ambiguous: class ${target.name} is module ${own.id}, and ${rivals.map((m) => `provider ${m.id}`).join(", ")} also provide${rivals.length === 1 ? "s" : ""} it`,
        param.location,
        {
          hint: `choose one with inject: { ${param.name}: "${own.id}" }, or give the others a \`when\` condition`,
        },
      ),
    );
  }
  if (own !== undefined && !param.multi) {
    if (!index.isActive(own) && !param.optional) {
      diagnostics.push(
        error(
          "MR3003",
          `${owner} needs ${own.id}, which is inactive ${index.condition ?? ""}`.trimEnd(),
          param.location,
          {
            hint: "make the parameter optional, or change the module's `when` condition",
          },
        ),
      );
    }
    checkFactory(module, param, [own], diagnostics);
    return {
      dep: { id: own.id, ...base },
      edges: inactiveSkip(index, [own]).map((m) => ({
        to: m.id,
        build,
        range: undefined,
        location: param.location,
      })),
    };
  }
  const active = index.providers(target.key).filter(index.isActive);
  // A shared module never sees tenant modules (inactive in the app's container) through an
  // interface, unless they are all there is: then MR3016 says why it cannot have them.
  const shared = module.tenant ? active : active.filter((m) => !m.tenant);
  const providers = param.multi || shared.length > 0 ? shared : active;
  if (param.multi) {
    return {
      dep: { iface: target.key, multi: true, ...base },
      edges: providers.map((m) => ({ to: m.id, build, range: undefined, location: param.location })),
    };
  }
  if (providers.length === 0 && !param.optional) {
    // the error that dropped the module providing it is the root cause, already reported
    if (index.isDroppedKey(target.key)) return undefined;
    if (index.condition === undefined) index.missing.add(target.key);
    diagnostics.push(
      error(
        "MR3003",
        `no module provides ${target.name} for ${owner}${index.condition ? ` ${index.condition}` : ""}`,
        param.location,
        { hint: missingHint(target, param.name, index) },
      ),
    );
    return undefined;
  }
  const certain = index.condition === undefined ? providers.filter((m) => m.when === undefined) : providers;
  const primaries = certain.filter((m) => m.primary);
  if (primaries.length >= 2) {
    diagnostics.push(
      error(
        "MR3018",
        `${owner} is ambiguous: ${primaries.map((m) => m.id).join(", ")} are all marked primary and provide ${target.name}${index.condition ? ` ${index.condition}` : ""}`,
        param.location,
        {
          hint: `keep \`primary: true\` on one of them, give the others a \`when\` condition, or choose one with inject: { ${param.name}: "${byParamName(param.name, primaries).id}" }`,
          related: primaries.map((m) => ({
            ...m.where("primary"),
            message: `${m.id} is marked primary here`,
          })),
        },
      ),
    );
  } else if (primaries.length === 0 && certain.length >= 2) {
    diagnostics.push(
      error(
        "MR3004",
        `${owner} is ambiguous: ${certain.map((m) => m.id).join(", ")} all provide ${target.name}${index.condition ? ` ${index.condition}` : ""}`,
        param.location,
        {
          hint: `choose one with inject: { ${param.name}: "${byParamName(param.name, certain).id}" }, mark one \`primary: true\`, give the others a \`when\` condition, or inject ${target.name}[] to get them all`,
        },
      ),
    );
  }
  // with one primary that is always active, only it is built for this parameter
  const chosen = primaries.length === 1 ? primaries : providers;
  checkFactory(module, param, chosen, diagnostics);
  return {
    dep: { iface: target.key, ...base },
    edges: chosen.map((m) => ({ to: m.id, build, range: undefined, location: param.location })),
  };
}

/**
 * What to do about a type nothing provides, most specific first: a decorated class the scan
 * does not see, a class with the interface's shape but no `implements`, a type from another
 * package (a provider function, since its class cannot be decorated), else decorate one.
 */
function missingHint(
  target: { kind: "class" | "interface"; key: string; name: string; abstract?: boolean },
  param: string,
  index: ModuleIndex,
): string {
  const { name } = target;
  const explained = index.facts.explained?.get(target.key);
  if (explained?.decoratedClass !== undefined) {
    return `${explained.decoratedClass} implements ${name} and is decorated with @Module, but ${explained.decoratedIn ?? "its file"} is not among the files modreg scans: add it to --include (or to the tsconfig's include), or drop the --exclude that leaves it out`;
  }
  if (explained?.decoratedIn !== undefined) {
    return `${name} is decorated with @Module, but ${explained.decoratedIn} is not among the files modreg scans: add it to --include (or to the tsconfig's include), or drop the --exclude that leaves it out`;
  }
  const lookalikes = explained?.lookalikes ?? [];
  if (lookalikes.length > 0) {
    return `add \`implements ${name}\` to ${lookalikes.join(", ")}: ${lookalikes.length === 1 ? "it has" : "they have"} the shape of ${name}, but interfaces are matched by declaration, never by shape`;
  }
  const concrete = target.kind === "class" && target.abstract !== true;
  const orElse = `make the parameter optional (\`${param}?: ${name}\`), or inject ${name}[]`;
  if (index.facts.types.get(target.key)?.external === true) {
    const made = concrete ? `new ${name.replace(/<.*$/, "")}(/* … */)` : "/* … */";
    return `${name} comes from another package: provide it with a function, \`export const ${param} = provide({}, (): ${name} => ${made})\`${concrete ? "" : `, or decorate a class that implements ${name} with @Module`}; or ${orElse}`;
  }
  return concrete
    ? `decorate ${name} with @Module, make the parameter optional, or inject ${name}[]`
    : `decorate a class that implements ${name} with @Module, ${orElse}`;
}

/** The provider whose id or class name is closest to the parameter's name (`fileLogger` → `file-logger`); else the first. */
function byParamName(param: string, candidates: readonly NormalizedModule[]): NormalizedModule {
  const plain = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
  const wanted = plain(param);
  const score = (m: NormalizedModule): number => {
    const names = [m.id, m.scanned.className ?? ""].map(plain).filter((n) => n.length > 0);
    if (names.includes(wanted)) return 2;
    return names.some((n) => n.includes(wanted) || wanted.includes(n)) ? 1 : 0;
  };
  let best = candidates[0]!;
  for (const m of candidates) if (score(m) > score(best)) best = m;
  return best;
}

/** A `TenantContext` parameter: provided by each tenant's container, so only tenant modules have one. */
function tenantContextParam(
  module: NormalizedModule,
  param: ScannedParam,
  base: Omit<DependencyRecord, "id" | "iface">,
  owner: string,
  diagnostics: Diagnostic[],
): { dep: DependencyRecord; edges: Edge[] } | undefined {
  if (!module.tenant) {
    diagnostics.push(
      error(
        "MR3017",
        `${owner} is a TenantContext, but ${module.id} is a shared module: only a tenant's container has a tenant`,
        param.location,
        {
          hint: `mark ${module.id} \`tenant: true\`, or pass the tenant id to the methods that need it`,
        },
      ),
    );
    return undefined;
  }
  return { dep: { iface: TENANT_CONTEXT_KEY, ...base }, edges: [] };
}

/** A `Resolver` parameter: the container that builds the module, injected as it is (a deferred edge). */
function resolverParam(
  module: NormalizedModule,
  param: ScannedParam,
  chosen: boolean,
  owner: string,
  diagnostics: Diagnostic[],
): { dep: DependencyRecord; edges: Edge[] } | undefined {
  const misuse =
    param.wrapper !== "value"
      ? `${param.wrapper === "lazy" ? "Lazy" : "Factory"}<Resolver>`
      : param.multi
        ? "Resolver[]"
        : chosen
          ? `inject.${param.name}`
          : undefined;
  if (misuse !== undefined) {
    diagnostics.push(
      error(
        "MR2019",
        `${owner} is ${chosen ? `a Resolver chosen by ${misuse}` : misuse}, but a Resolver is the container that builds ${module.id}: there is one, and nothing to choose`,
        param.location,
        {
          hint: `type it \`${param.name}: Resolver\`${chosen ? ` and remove inject.${param.name}` : ""}: it is already deferred`,
        },
      ),
    );
    return undefined;
  }
  return { dep: { iface: RESOLVER_KEY, inject: "resolver", param: param.name }, edges: [] };
}

function resolveEntry(
  module: NormalizedModule,
  entry: DependencyEntry,
  optional: boolean,
  index: ModuleIndex,
  diagnostics: Diagnostic[],
): { dep: DependencyRecord; edges: Edge[] } | undefined {
  let id: string;
  let range: string | undefined;
  if (typeof entry.spec === "string") {
    ({ id, range } = parseDependencySpec(entry.spec));
  } else {
    const target = index.ofClass(entry.spec.key);
    if (target === undefined) {
      diagnostics.push(
        error(
          "MR3009",
          `${module.id} depends on class ${entry.spec.name}, which is not a @Module`,
          entry.location,
          {
            hint: `decorate ${entry.spec.name} with @Module, or name a module id instead`,
          },
        ),
      );
      return undefined;
    }
    id = target.id;
  }
  const target = index.module(id);
  if (target === undefined && index.isExternal(id)) {
    // Provided by the app that loads this manifest: the container checks it and its range.
    return {
      dep: { id, ...(range !== undefined && { range }), ...(optional && { optional: true }), inject: "none" },
      edges: [],
    };
  }
  if (target === undefined && index.isDroppedId(id)) return undefined;
  if (target === undefined || (!index.isActive(target) && !optional)) {
    if (!optional) diagnostics.push(unknownId(module, id, "dependencies", entry.location, index));
    if (target === undefined && !optional) return undefined;
  }
  const dep: DependencyRecord = {
    id,
    ...(range !== undefined && { range }),
    ...(optional && { optional: true }),
    inject: "none",
  };
  const edges =
    target && index.isActive(target) ? [{ to: id, build: true, range, location: entry.location }] : [];
  return { dep, edges };
}

function unknownId(
  module: NormalizedModule,
  id: string,
  where: string,
  location: Location,
  index: ModuleIndex,
): Diagnostic {
  const existing = index.byId.get(id);
  if (existing !== undefined) {
    return error(
      "MR3002",
      `${module.id} depends on "${id}", which is inactive ${index.condition ?? ""}`.trimEnd(),
      location,
      {
        hint: `move it to optionalDependencies, or change the \`when\` condition of ${id}`,
      },
    );
  }
  const near = [...index.byId.keys()].filter(
    (known) => known.toLowerCase() === id.toLowerCase() || known.includes(id) || id.includes(known),
  );
  return error("MR3002", `${module.id} depends on "${id}" (${where}), but no module has that id`, location, {
    hint:
      near.length > 0
        ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?`
        : "check the id; if the app that loads this manifest provides it, pass --external " + id,
  });
}

function checkFactory(
  module: NormalizedModule,
  param: ScannedParam,
  targets: readonly NormalizedModule[],
  diagnostics: Diagnostic[],
): void {
  if (param.wrapper !== "factory") return;
  for (const target of targets) {
    if (target.scope === "factory") continue;
    diagnostics.push(
      error(
        "MR3007",
        `parameter \`${param.name}\` of ${module.id} is a Factory of ${target.id}, which is ${target.scope}-scoped: a factory makes a new instance per call`,
        param.location,
        {
          hint: `use Lazy<${param.target.kind === "unsupported" ? "T" : param.target.name}> for a deferred single instance, or give ${target.id} scope: "factory"`,
        },
      ),
    );
  }
}

/**
 * Whether a provider's value fits a parameter typed with a primitive, union or anonymous type:
 * every member of what it returns is a member of the parameter's type, or a literal of one of
 * its primitives (`"a"` fits `string`). `any` and `unknown` take everything.
 */
function fitsShape(chosen: NormalizedModule, wanted: TypeShape, optional: boolean): boolean {
  const members = new Set(wanted.map((m) => m.text));
  if (optional) members.add("undefined");
  if (members.has("any") || members.has("unknown")) return true;
  const provided = chosen.scanned.provider?.shape;
  if (provided === undefined || provided.length === 0) return false;
  return provided.every((m) => members.has(m.text) || (m.base !== undefined && members.has(m.base)));
}

/** "provider api-url returns `number`" / "class Database". */
function describeChosen(chosen: NormalizedModule): string {
  const provider = chosen.scanned.provider;
  if (provider !== undefined) return `provider ${chosen.id} returns \`${provider.typeText}\``;
  return `${chosen.id} is an instance of class ${chosen.scanned.className ?? "default"}`;
}

function inactiveSkip(index: ModuleIndex, modules: readonly NormalizedModule[]): NormalizedModule[] {
  return modules.filter(index.isActive);
}
