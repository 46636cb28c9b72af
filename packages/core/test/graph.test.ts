import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DependencyGraph,
  compareIds,
  findCycles,
  reachable,
  reverseEdges,
  topologicalOrder,
  type Adjacency,
} from "../src/graph.js";

// ---- reference implementations, written for clarity rather than speed -------------------

/** Kahn's algorithm with the ready list kept sorted by rank (lowest first). */
function referenceOrder(deps: Adjacency, rank: readonly number[]): number[] | undefined {
  const n = deps.length;
  const pending = deps.map((edges) => edges.filter((d) => d >= 0 && d < n).length);
  const ready = pending.flatMap((p, i) => (p === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank[a]! - rank[b]!);
    const node = ready.shift()!;
    order.push(node);
    deps.forEach((edges, v) => {
      for (const d of edges) if (d === node && --pending[v]! === 0) ready.push(v);
    });
  }
  return order.length === n ? order : undefined;
}

/** `reach[v]` holds every node reachable from `v` in one or more steps. */
function reachability(deps: Adjacency): Set<number>[] {
  return deps.map((_, start) => {
    const seen = new Set<number>();
    const stack = [start];
    while (stack.length > 0) {
      for (const w of deps[stack.pop()!]!) {
        if (!seen.has(w)) {
          seen.add(w);
          stack.push(w);
        }
      }
    }
    return seen;
  });
}

/** Strongly connected components that contain a cycle, each as a sorted list of nodes. */
function referenceCyclicComponents(deps: Adjacency): number[][] {
  const reach = reachability(deps);
  const found = new Map<string, number[]>();
  deps.forEach((_, v) => {
    const members = deps.map((_, u) => u).filter((u) => u === v || (reach[v]!.has(u) && reach[u]!.has(v)));
    if (members.length > 1 || reach[v]!.has(v)) found.set(members.join(","), members);
  });
  return [...found.values()];
}

/** Length (in edges) of the shortest cycle through `start`. */
function shortestCycleLength(deps: Adjacency, start: number): number {
  const distance = new Map<number, number>([[start, 0]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of deps[v]!) {
      if (w === start) return distance.get(v)! + 1;
      if (!distance.has(w)) {
        distance.set(w, distance.get(v)! + 1);
        queue.push(w);
      }
    }
  }
  return Infinity;
}

function hasEdge(deps: Adjacency, from: number, to: number): boolean {
  return deps[from]!.includes(to);
}

/** Asserts `cycle` is a closed path `[a, ..., a]` of real edges with no repeated interior node. */
function expectClosedCycle(deps: Adjacency, cycle: readonly number[]): void {
  expect(cycle.length).toBeGreaterThanOrEqual(2);
  expect(cycle[0]).toBe(cycle[cycle.length - 1]);
  expect(new Set(cycle.slice(0, -1)).size).toBe(cycle.length - 1);
  for (let i = 0; i + 1 < cycle.length; i++) {
    expect(hasEdge(deps, cycle[i]!, cycle[i + 1]!), `edge ${cycle[i]} -> ${cycle[i + 1]}`).toBe(true);
  }
}

// ---- generators ---------------------------------------------------------------------------

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A permutation of `0..n-1`. */
const permutation = (n: number): fc.Arbitrary<number[]> =>
  fc.shuffledSubarray(range(n), { minLength: n, maxLength: n });

/** Random edges over `n` nodes; duplicates and self-edges included. */
const edgeList = (n: number): fc.Arbitrary<[number, number][]> =>
  fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n });

function adjacency(n: number, edges: readonly (readonly [number, number])[]): number[][] {
  const deps: number[][] = range(n).map(() => []);
  for (const [from, to] of edges) deps[from]!.push(to);
  return deps;
}

/**
 * A random DAG with a random rank: edges only go from a node to one placed before it in a
 * hidden permutation, so node numbers carry no hint of the order.
 */
const dagWithRank = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc
    .record({ placement: permutation(n), edges: edgeList(n), rank: permutation(n) })
    .map(({ placement, edges, rank }) => ({
      deps: adjacency(
        n,
        edges.filter(([from, to]) => placement[from]! > placement[to]!),
      ),
      rank,
    })),
);

/** Any directed graph, self-edges included, with a random rank. */
const graphWithRank = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc
      .record({ edges: edgeList(n), rank: permutation(n) })
      .map(({ edges, rank }) => ({ deps: adjacency(n, edges), rank })),
  );

/** A random graph with at least one cycle planted in it (a self-edge when the cycle has one node). */
const graphWithPlantedCycle = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc
    .record({
      edges: edgeList(n),
      cycle: fc.shuffledSubarray(range(n), { minLength: 1, maxLength: n }),
      rank: permutation(n),
    })
    .map(({ edges, cycle, rank }) => ({
      deps: adjacency(n, [...edges, ...cycle.map((v, i) => [v, cycle[(i + 1) % cycle.length]!] as const)]),
      rank,
      planted: cycle,
    })),
);

// ---- integer graph functions --------------------------------------------------------------

describe("topologicalOrder", () => {
  it("puts dependencies before their dependents", () => {
    // 0 depends on 1 and 2; 2 depends on 1.
    expect(topologicalOrder([[1, 2], [], [1]])).toEqual({ order: [1, 2, 0] });
  });

  it("breaks ties by node index when no rank is given", () => {
    expect(topologicalOrder([[], [], []]).order).toEqual([0, 1, 2]);
  });

  it("breaks ties by rank, lowest first, among the nodes ready at once", () => {
    expect(topologicalOrder([[], [], []], [2, 0, 1]).order).toEqual([1, 2, 0]);
    // 3 becomes ready only after 1; by then 0 (rank 3) is still waiting, 3 (rank 0) goes first.
    expect(topologicalOrder([[], [], [], [1]], [3, 1, 2, 0]).order).toEqual([1, 3, 2, 0]);
  });

  it("returns an empty order for an empty graph", () => {
    expect(topologicalOrder([])).toEqual({ order: [] });
  });

  it("counts duplicate edges once each and still orders the graph", () => {
    expect(topologicalOrder([[1, 1], []]).order).toEqual([1, 0]);
  });

  it("ignores edges to indices outside 0..n-1", () => {
    expect(
      topologicalOrder([
        [-1, 5],
        [0, 2],
      ]).order,
    ).toEqual([0, 1]);
  });

  it("reports a cycle as a closed path instead of an order", () => {
    const deps = [[1], [2], [0], []];
    const result = topologicalOrder(deps);
    expect(result.order).toBeUndefined();
    expect(result.cycle).toEqual([0, 1, 2, 0]);
  });

  it("reports a self-edge as the cycle [a, a]", () => {
    expect(topologicalOrder([[], [1]]).cycle).toEqual([1, 1]);
  });

  it("reports the cycle itself, not the nodes that merely depend on it", () => {
    // 0 -> 1 -> 2 -> 1: node 0 is stuck behind the cycle but not on it.
    expect(topologicalOrder([[1], [2], [1]]).cycle).toEqual([1, 2, 1]);
  });

  it("orders every random DAG with each node once and every edge respected", () => {
    fc.assert(
      fc.property(dagWithRank, ({ deps, rank }) => {
        const { order, cycle } = topologicalOrder(deps, rank);
        expect(cycle).toBeUndefined();
        expect([...order!].sort((a, b) => a - b)).toEqual(range(deps.length));
        const position = new Map(order!.map((v, i) => [v, i]));
        deps.forEach((edges, v) => {
          for (const d of edges) expect(position.get(d)!).toBeLessThan(position.get(v)!);
        });
      }),
    );
  });

  it("matches Kahn's algorithm with a rank-sorted ready list on random DAGs", () => {
    fc.assert(
      fc.property(dagWithRank, ({ deps, rank }) => {
        expect(topologicalOrder(deps, rank).order).toEqual(referenceOrder(deps, rank));
        expect(topologicalOrder(deps).order).toEqual(referenceOrder(deps, range(deps.length)));
      }),
    );
  });

  it("reports a real closed cycle for every random graph with a planted cycle", () => {
    fc.assert(
      fc.property(graphWithPlantedCycle, ({ deps, rank }) => {
        const { order, cycle } = topologicalOrder(deps, rank);
        expect(order).toBeUndefined();
        expectClosedCycle(deps, cycle!);
      }),
    );
  });
});

describe("findCycles", () => {
  it("returns nothing for a DAG", () => {
    expect(findCycles([[1, 2], [2], []])).toEqual([]);
  });

  it("returns one cycle per cyclic component, sorted by its lowest-ranked node", () => {
    // Component {0, 1}; component {2, 3, 4} with two cycles through 2; a self-edge on 5; 6 is acyclic.
    const deps = [[1], [0, 2], [3, 4], [2], [2], [5], [0]];
    expect(findCycles(deps)).toEqual([
      [0, 1, 0],
      [2, 3, 2],
      [5, 5],
    ]);
  });

  it("starts each cycle at the component's lowest-ranked node", () => {
    const deps = [[1], [2], [0]];
    expect(findCycles(deps, [2, 0, 1])).toEqual([[1, 2, 0, 1]]);
  });

  it("gives the shortest cycle through the start node", () => {
    // 0 -> 1 -> 2 -> 3 -> 0 and the shortcut 0 -> 3.
    expect(findCycles([[1, 3], [2], [3], [0]])).toEqual([[0, 3, 0]]);
  });

  it("reports a self-edge as [a, a]", () => {
    expect(findCycles([[0]])).toEqual([[0, 0]]);
  });

  it("ignores edges to indices outside 0..n-1", () => {
    expect(
      findCycles([
        [7, 1],
        [-1, 0],
      ]),
    ).toEqual([[0, 1, 0]]);
  });

  it("reports exactly one valid shortest cycle per non-trivial strongly connected component", () => {
    fc.assert(
      fc.property(graphWithRank, ({ deps, rank }) => {
        const cycles = findCycles(deps, rank);
        const components = referenceCyclicComponents(deps);
        expect(cycles).toHaveLength(components.length);
        const covered = new Set<number[]>();
        for (const cycle of cycles) {
          expectClosedCycle(deps, cycle);
          const component = components.find((c) => c.includes(cycle[0]!))!;
          expect(component).toBeDefined();
          expect(covered.has(component)).toBe(false);
          covered.add(component);
          for (const v of cycle) expect(component).toContain(v);
          const lowest = component.reduce((a, b) => (rank[b]! < rank[a]! ? b : a));
          expect(cycle[0]).toBe(lowest);
          expect(cycle.length - 1).toBe(shortestCycleLength(deps, lowest));
        }
        const starts = cycles.map((c) => rank[c[0]!]!);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      }),
    );
  });

  it("finds at least one cycle in every graph with a planted cycle", () => {
    fc.assert(
      fc.property(graphWithPlantedCycle, ({ deps, rank, planted }) => {
        const cycles = findCycles(deps, rank);
        expect(cycles.length).toBeGreaterThanOrEqual(1);
        for (const cycle of cycles) expectClosedCycle(deps, cycle);
        // The planted cycle's nodes share one component, so exactly one reported cycle lies in it.
        const component = referenceCyclicComponents(deps).find((c) => c.includes(planted[0]!))!;
        for (const v of planted) expect(component).toContain(v);
        expect(cycles.filter((c) => component.includes(c[0]!))).toHaveLength(1);
      }),
    );
  });
});

describe("reachable", () => {
  const deps = [[1], [2], [], [0]];

  it("follows edges transitively and excludes the start nodes", () => {
    expect(reachable(deps, [0])).toEqual(new Set([1, 2]));
    expect(reachable(deps, [3])).toEqual(new Set([0, 1, 2]));
  });

  it("unites what several start nodes reach", () => {
    expect(reachable([[1], [], [3], []], [0, 2])).toEqual(new Set([1, 3]));
  });

  it("includes a start node that lies on a cycle", () => {
    expect(reachable([[1], [0]], [0])).toEqual(new Set([0, 1]));
    expect(reachable([[0]], [0])).toEqual(new Set([0]));
  });

  it("returns an empty set for a leaf, no start nodes or an unknown start node", () => {
    expect(reachable(deps, [2])).toEqual(new Set());
    expect(reachable(deps, [])).toEqual(new Set());
    expect(reachable(deps, [9])).toEqual(new Set());
  });

  it("ignores edges to indices outside 0..n-1", () => {
    expect(reachable([[5, -1, 1], []], [0])).toEqual(new Set([1]));
  });

  it("agrees with a reference transitive closure on random graphs", () => {
    fc.assert(
      fc.property(graphWithRank, ({ deps }) => {
        const reach = reachability(deps);
        deps.forEach((_, v) => expect(reachable(deps, [v])).toEqual(reach[v]));
      }),
    );
  });
});

describe("reverseEdges", () => {
  it("turns every edge around", () => {
    expect(reverseEdges([[1, 2], [2], []])).toEqual([[], [0], [0, 1]]);
  });

  it("keeps self-edges and duplicate edges", () => {
    expect(reverseEdges([[0, 1, 1], []])).toEqual([[0], [0, 0]]);
  });

  it("drops edges to indices outside 0..n-1", () => {
    expect(reverseEdges([[3, -1], [0]])).toEqual([[1], []]);
  });

  it("gives back the same edge set when applied twice", () => {
    fc.assert(
      fc.property(graphWithRank, ({ deps }) => {
        const sorted = (a: Adjacency): number[][] => a.map((edges) => [...edges].sort((x, y) => x - y));
        expect(sorted(reverseEdges(reverseEdges(deps)))).toEqual(sorted(deps));
      }),
    );
  });
});

describe("compareIds", () => {
  it("compares by UTF-16 code units, not by locale", () => {
    expect(compareIds("a", "b")).toBe(-1);
    expect(compareIds("b", "a")).toBe(1);
    expect(compareIds("same", "same")).toBe(0);
    // Upper case sorts before lower case; localeCompare would say the opposite.
    expect(compareIds("Zeta", "alpha")).toBe(-1);
    expect(["é", "z", "e", "Z", "a-b", "a"].sort(compareIds)).toEqual(["Z", "a", "a-b", "e", "z", "é"]);
  });

  it("sorts like the plain < operator on any strings", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(compareIds(a, b)).toBe(a < b ? -1 : a > b ? 1 : 0);
        expect(compareIds(a, b)).toBe(-compareIds(b, a) || 0);
      }),
    );
  });
});

// ---- DependencyGraph ----------------------------------------------------------------------

describe("DependencyGraph", () => {
  // app -> api -> db -> config; app -> logger; api -> logger; worker -> db
  const graph = new DependencyGraph([
    ["app", ["api", "logger"]],
    ["api", ["db", "logger"]],
    ["db", ["config"]],
    ["config", []],
    ["logger", []],
    ["worker", ["db"]],
  ]);

  it("keeps the ids in the order given", () => {
    expect(graph.ids).toEqual(["app", "api", "db", "config", "logger", "worker"]);
    expect(graph.has("db")).toBe(true);
    expect(graph.has("nope")).toBe(false);
  });

  describe("loadOrder", () => {
    it("lists dependencies first and breaks ties by id", () => {
      expect(graph.loadOrder()).toEqual(["config", "db", "logger", "api", "app", "worker"]);
    });

    it("breaks ties by plain UTF-16 order, not by insertion order or locale", () => {
      const g = new DependencyGraph([
        ["b", []],
        ["a", []],
        ["B", []],
        ["ä", []],
      ]);
      expect(g.loadOrder()).toEqual(["B", "a", "b", "ä"]);
    });

    it("ignores edges to ids that are not nodes and repeated edges", () => {
      const g = new DependencyGraph([
        ["a", ["ghost", "b", "b"]],
        ["b", []],
      ]);
      expect(g.loadOrder()).toEqual(["b", "a"]);
      expect(g.dependenciesOf("a")).toEqual(["b"]);
    });

    it("accepts edges to ids declared later", () => {
      const g = new DependencyGraph([
        ["a", ["z"]],
        ["z", []],
      ]);
      expect(g.loadOrder()).toEqual(["z", "a"]);
    });

    it("throws a RangeError naming the cycle", () => {
      const g = new DependencyGraph([
        ["a", ["b"]],
        ["b", ["c"]],
        ["c", ["a"]],
      ]);
      expect(() => g.loadOrder()).toThrow(RangeError);
      expect(() => g.loadOrder()).toThrow("dependency cycle: a -> b -> c -> a");
    });

    it("matches Kahn's algorithm with ids sorted by compareIds on random DAGs", () => {
      const ids = fc.uniqueArray(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 12 });
      const arbitrary = ids.chain((names) =>
        fc
          .record({ placement: permutation(names.length), edges: edgeList(names.length) })
          .map(({ placement, edges }) => ({
            names,
            deps: adjacency(
              names.length,
              edges.filter(([from, to]) => placement[from]! > placement[to]!),
            ),
          })),
      );
      fc.assert(
        fc.property(arbitrary, ({ names, deps }) => {
          const g = new DependencyGraph(names.map((id, i) => [id, deps[i]!.map((d) => names[d]!)] as const));
          const sorted = [...names].sort(compareIds);
          const rank = names.map((id) => sorted.indexOf(id));
          expect(g.loadOrder()).toEqual(referenceOrder(deps, rank)!.map((v) => names[v]));
        }),
      );
    });
  });

  describe("dependenciesOf", () => {
    it("returns the direct dependencies sorted by id", () => {
      expect(graph.dependenciesOf("app")).toEqual(["api", "logger"]);
      expect(graph.dependenciesOf("config")).toEqual([]);
    });

    it("returns every transitive dependency sorted by id when asked", () => {
      expect(graph.dependenciesOf("app", { transitive: true })).toEqual(["api", "config", "db", "logger"]);
      expect(graph.dependenciesOf("worker", { transitive: true })).toEqual(["config", "db"]);
    });

    it("returns [] for an unknown id", () => {
      expect(graph.dependenciesOf("nope")).toEqual([]);
      expect(graph.dependenciesOf("nope", { transitive: true })).toEqual([]);
    });

    it("returns copies the caller may change", () => {
      graph.dependenciesOf("app").push("extra");
      expect(graph.dependenciesOf("app")).toEqual(["api", "logger"]);
    });
  });

  describe("dependentsOf", () => {
    it("returns the direct dependents sorted by id", () => {
      expect(graph.dependentsOf("db")).toEqual(["api", "worker"]);
      expect(graph.dependentsOf("logger")).toEqual(["api", "app"]);
      expect(graph.dependentsOf("app")).toEqual([]);
    });

    it("returns every transitive dependent sorted by id when asked", () => {
      expect(graph.dependentsOf("config", { transitive: true })).toEqual(["api", "app", "db", "worker"]);
    });

    it("returns [] for an unknown id", () => {
      expect(graph.dependentsOf("nope")).toEqual([]);
      expect(graph.dependentsOf("nope", { transitive: true })).toEqual([]);
    });
  });

  describe("findCycle", () => {
    it("returns undefined when there is no cycle", () => {
      expect(graph.findCycle()).toBeUndefined();
    });

    it("returns one cycle as a closed path [a, ..., a]", () => {
      const g = new DependencyGraph([
        ["app", ["b"]],
        ["b", ["c"]],
        ["c", ["b"]],
      ]);
      expect(g.findCycle()).toEqual(["b", "c", "b"]);
    });

    it("reports a self-loop as [a, a]", () => {
      const g = new DependencyGraph([
        ["a", ["a"]],
        ["b", []],
      ]);
      expect(g.findCycle()).toEqual(["a", "a"]);
      expect(() => g.loadOrder()).toThrow("dependency cycle: a -> a");
    });
  });

  describe("findCycles", () => {
    it("returns one closed cycle per cyclic component, by id", () => {
      const g = new DependencyGraph([
        ["y", ["x"]],
        ["x", ["y"]],
        ["self", ["self"]],
        ["c", ["a"]],
        ["a", ["b"]],
        ["b", ["c", "a"]],
        ["free", ["a"]],
      ]);
      expect(g.findCycles()).toEqual([
        ["a", "b", "a"],
        ["self", "self"],
        ["x", "y", "x"],
      ]);
    });

    it("returns [] when there is no cycle", () => {
      expect(graph.findCycles()).toEqual([]);
    });
  });

  describe("with a self-loop", () => {
    const g = new DependencyGraph([
      ["a", ["a", "b"]],
      ["b", []],
    ]);

    it("lists the node among its own direct dependencies and dependents", () => {
      expect(g.dependenciesOf("a")).toEqual(["a", "b"]);
      expect(g.dependentsOf("a")).toEqual(["a"]);
    });

    it("leaves the node itself out of the transitive lists", () => {
      expect(g.dependenciesOf("a", { transitive: true })).toEqual(["b"]);
      expect(g.dependentsOf("b", { transitive: true })).toEqual(["a"]);
    });
  });
});
