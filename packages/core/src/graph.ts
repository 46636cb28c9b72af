/**
 * Graph algorithms over dependency graphs, shared by the container at run time and by the
 * codegen's validation at build time. Edges point from a module to what it depends on.
 *
 * The integer functions work on adjacency lists indexed `0..n-1` (what the container
 * uses on its hot start path); `DependencyGraph` wraps them for string ids.
 */

/** Adjacency lists: `deps[i]` are the nodes node `i` depends on. */
export type Adjacency = readonly (readonly number[])[];

/** Result of `topologicalOrder`: the order, or a cycle that prevents one. */
export type OrderResult =
  | { readonly order: number[]; readonly cycle?: undefined }
  | { readonly order?: undefined; readonly cycle: number[] };

/** Min-heap of node indices compared by `rank`. */
class RankHeap {
  private readonly items: number[] = [];
  constructor(private readonly rank: ArrayLike<number>) {}

  get size(): number {
    return this.items.length;
  }

  push(node: number): void {
    const { items, rank } = this;
    let i = items.push(node) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (rank[items[parent]!]! <= rank[node]!) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = node;
  }

  pop(): number {
    const { items, rank } = this;
    const top = items[0]!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && rank[items[child + 1]!]! < rank[items[child]!]!) child++;
        if (rank[items[child]!]! >= rank[last]!) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

/**
 * Dependencies first; among the nodes ready at the same time the lowest `rank` goes first
 * (pass each node's position in id order to break ties by id). Edges to indices outside
 * `0..n-1` are ignored. When a cycle prevents an order, returns one cycle as a path whose
 * first and last node are the same.
 */
export function topologicalOrder(deps: Adjacency, rank?: ArrayLike<number>): OrderResult {
  const n = deps.length;
  const ranks = rank ?? identity(n);
  // Reverse edges in compressed form (offsets + flat list): no array per node. Indexed loops
  // throughout: a first boot runs this in V8's interpreter, where `for…of` runs the iterator protocol.
  const pending = new Int32Array(n);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const list = deps[i]!;
    for (let j = 0; j < list.length; j++) {
      const d = list[j]!;
      if (d >= 0 && d < n) {
        pending[i]!++;
        offsets[d + 1]!++;
      }
    }
  }
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const dependents = new Int32Array(offsets[n]!);
  for (let i = 0; i < n; i++) {
    const list = deps[i]!;
    for (let j = 0; j < list.length; j++) {
      const d = list[j]!;
      if (d >= 0 && d < n) dependents[fill[d]!++] = i;
    }
  }
  const ready = new RankHeap(ranks);
  for (let i = 0; i < n; i++) if (pending[i] === 0) ready.push(i);
  const order: number[] = [];
  while (ready.size > 0) {
    const node = ready.pop();
    order.push(node);
    for (let e = offsets[node]!, end = offsets[node + 1]!; e < end; e++) {
      const dependent = dependents[e]!;
      if (--pending[dependent]! === 0) ready.push(dependent);
    }
  }
  if (order.length === n) return { order };
  return { cycle: walkToCycle(deps, pending, ranks) };
}

function identity(n: number): Int32Array {
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) ranks[i] = i;
  return ranks;
}

/**
 * Every node left with `pending > 0` lies on a cycle or depends on one, so it has a
 * dependency that is also left: following the lowest-ranked such edge must revisit a node.
 */
function walkToCycle(deps: Adjacency, pending: Int32Array, rank: ArrayLike<number>): number[] {
  const n = deps.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    if (pending[i]! > 0 && (start < 0 || rank[i]! < rank[start]!)) start = i;
  }
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let node = start;
  while (!seenAt.has(node)) {
    seenAt.set(node, path.length);
    path.push(node);
    let next = -1;
    for (const d of deps[node]!) {
      if (d >= 0 && d < n && pending[d]! > 0 && (next < 0 || rank[d]! < rank[next]!)) next = d;
    }
    node = next;
  }
  const cycle = path.slice(seenAt.get(node));
  cycle.push(node);
  return cycle;
}

/**
 * Every elementary cycle class of the graph, one representative each: for every strongly
 * connected component that contains a cycle (a self-edge counts), the shortest cycle through
 * its lowest-ranked node, as a closed path `[a, ..., a]`. Sorted by that node's rank.
 */
export function findCycles(deps: Adjacency, rank?: ArrayLike<number>): number[][] {
  const n = deps.length;
  const ranks = rank ?? Int32Array.from({ length: n }, (_, i) => i);
  const component = stronglyConnectedComponents(deps);
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = members.get(component[i]!);
    if (list) list.push(i);
    else members.set(component[i]!, [i]);
  }
  const cycles: number[][] = [];
  for (const nodes of members.values()) {
    const first = nodes[0]!;
    const selfLoop = nodes.length === 1 && deps[first]!.includes(first);
    if (nodes.length === 1 && !selfLoop) continue;
    let start = first;
    for (const v of nodes) if (ranks[v]! < ranks[start]!) start = v;
    cycles.push(shortestCycleThrough(deps, start, component, ranks));
  }
  return cycles.sort((a, b) => ranks[a[0]!]! - ranks[b[0]!]!);
}

/** Tarjan's algorithm, iterative; returns a component number per node. */
function stronglyConnectedComponents(deps: Adjacency): Int32Array {
  const n = deps.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const work: [node: number, edge: number][] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    work.push([root, 0]);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, e] = frame;
      if (e === 0) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = 1;
      }
      const edges = deps[v]!;
      if (e < edges.length) {
        frame[1] = e + 1;
        const w = edges[e]!;
        if (w < 0 || w >= n) continue;
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component[w] = components;
        } while (w !== v);
        components++;
      }
    }
  }
  return component;
}

/** Breadth-first search inside one component from `start` back to itself. */
function shortestCycleThrough(
  deps: Adjacency,
  start: number,
  component: Int32Array,
  rank: ArrayLike<number>,
): number[] {
  const parent = new Map<number, number>();
  let frontier = [start];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const v of frontier) {
      const edges = [...deps[v]!].sort((a, b) => rank[a]! - rank[b]!);
      for (const w of edges) {
        if (w === start) {
          const path = [start];
          for (let u = v; u !== start; u = parent.get(u)!) path.push(u);
          path.push(start);
          return [start, ...path.slice(1, -1).reverse(), start];
        }
        if (component[w] !== component[start] || parent.has(w)) continue;
        parent.set(w, v);
        next.push(w);
      }
    }
    frontier = next;
  }
  return [start, start];
}

/** Nodes reachable from `from` (excluded unless on a cycle), following `deps`. */
export function reachable(deps: Adjacency, from: readonly number[]): Set<number> {
  const seen = new Set<number>();
  const stack = [...from];
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const w of deps[v] ?? []) {
      if (w >= 0 && w < deps.length && !seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return seen;
}

/** Reverses every edge. */
export function reverseEdges(deps: Adjacency): number[][] {
  const reversed: number[][] = Array.from({ length: deps.length }, () => []);
  deps.forEach((edges, v) => {
    for (const w of edges) if (w >= 0 && w < deps.length) reversed[w]!.push(v);
  });
  return reversed;
}

/** Plain UTF-16 comparison, the one order ids are sorted by everywhere (never `localeCompare`). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Options of `dependenciesOf` / `dependentsOf`. */
export interface TraversalOptions {
  /** Follow edges all the way, not just one step. Default `false`. */
  readonly transitive?: boolean;
}

/**
 * A dependency graph over string ids. Edges to ids that are not nodes are ignored.
 *
 * @example
 * const graph = new DependencyGraph([["app", ["db"]], ["db", []]]);
 * graph.loadOrder(); // ["db", "app"]
 */
export class DependencyGraph {
  readonly ids: readonly string[];
  private readonly index = new Map<string, number>();
  private readonly deps: number[][];
  private readonly rank: Int32Array;
  private reversed: number[][] | undefined;

  constructor(nodes: Iterable<readonly [id: string, dependencies: Iterable<string>]>) {
    const entries = [...nodes];
    this.ids = entries.map(([id]) => id);
    this.ids.forEach((id, i) => this.index.set(id, i));
    this.deps = entries.map(([, dependencies]) => {
      const edges: number[] = [];
      for (const d of dependencies) {
        const target = this.index.get(d);
        if (target !== undefined && !edges.includes(target)) edges.push(target);
      }
      return edges;
    });
    const sorted = this.ids.map((_, i) => i).sort((a, b) => compareIds(this.ids[a]!, this.ids[b]!));
    this.rank = new Int32Array(this.ids.length);
    sorted.forEach((node, position) => (this.rank[node] = position));
  }

  /** True when the graph has this id. */
  has(id: string): boolean {
    return this.index.has(id);
  }

  /**
   * Ids with dependencies first, ties broken by id. Throws a `RangeError` naming the cycle
   * when there is one; check `findCycle()` first to report it your own way.
   */
  loadOrder(): string[] {
    const result = topologicalOrder(this.deps, this.rank);
    if (result.cycle) throw new RangeError(`dependency cycle: ${this.names(result.cycle).join(" -> ")}`);
    return this.names(result.order);
  }

  /** One cycle as a closed path `["a", "b", "a"]`, or `undefined` when the graph has none. */
  findCycle(): string[] | undefined {
    const { cycle } = topologicalOrder(this.deps, this.rank);
    return cycle && this.names(cycle);
  }

  /** One representative cycle per strongly connected component that has one. */
  findCycles(): string[][] {
    return findCycles(this.deps, this.rank).map((cycle) => this.names(cycle));
  }

  /** What `id` depends on, sorted by id; `[]` for an unknown id. */
  dependenciesOf(id: string, options: TraversalOptions = {}): string[] {
    return this.walk(this.deps, id, options);
  }

  /** What depends on `id`, sorted by id; `[]` for an unknown id. */
  dependentsOf(id: string, options: TraversalOptions = {}): string[] {
    this.reversed ??= reverseEdges(this.deps);
    return this.walk(this.reversed, id, options);
  }

  private walk(edges: Adjacency, id: string, { transitive = false }: TraversalOptions): string[] {
    const start = this.index.get(id);
    if (start === undefined) return [];
    const found = transitive ? [...reachable(edges, [start])].filter((v) => v !== start) : edges[start]!;
    return this.names(found).sort(compareIds);
  }

  private names(nodes: readonly number[]): string[] {
    return nodes.map((v) => this.ids[v]!);
  }
}
