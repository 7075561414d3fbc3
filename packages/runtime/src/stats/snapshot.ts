/**
 * StatsSnapshot: the JSON form of a runtime's statistics, and `mergeSnapshots` to sum snapshots taken on
 * several threads of one server (same program, same plan shape).
 */

export interface NodeStats {
  /** Times the node ran (abstract nodes: times a flow entered them). */
  calls: number;
  /** Times the node failed (abstract nodes: no case matched, a predicate or lock acquisition failed). */
  errors: number;
  /**
   * Estimated total wall time in ms from call to result (concrete nodes only; includes awaiting a promise):
   * the mean over the `timed` calls times `calls`.
   */
  wallMs: number;
  /** Estimated total CPU time in ms of the synchronous part of the calls, scaled the same way. */
  cpuMs: number;
  /** Calls whose times were measured (see StatsOptions.timingSampleEvery). */
  timed: number;
}

export interface EdgeStats {
  from: string;
  /** A node name, `(end)` (the flow ended after `from`) or `(error)` (`from` failed). */
  to: string;
  count: number;
}

export interface PathStats {
  source: string;
  /** Ball-Larus number, unique per source. */
  number: number;
  nodes: string[];
  ending: { status: 'ok' } | { status: 'error'; node: string };
  count: number;
  /** Total wall time of the flows that took this path, in ms (from flow start to flow end). */
  totalMs: number;
  meanMs: number;
}

export interface FlowStats {
  started: number;
  ok: number;
  error: number;
  overload: number;
  inFlight: number;
}

export interface StatsSnapshot {
  program: string;
  runtime: string;
  flows: FlowStats;
  nodes: Record<string, NodeStats>;
  /** Edges that were taken at least once. */
  edges: EdgeStats[];
  /** Paths that were taken at least once, most frequent first. */
  paths: PathStats[];
  /** Runtime-specific figures (queue depth, worker count, ...). Summed by `mergeSnapshots`. */
  figures: Record<string, number>;
}

export function emptyNodeStats(): NodeStats {
  return { calls: 0, errors: 0, wallMs: 0, cpuMs: 0, timed: 0 };
}

/** Sums snapshots of the same program (e.g. one per worker). An empty list gives an empty snapshot. */
export function mergeSnapshots(snapshots: readonly StatsSnapshot[], runtime?: string): StatsSnapshot {
  const out: StatsSnapshot = {
    program: snapshots[0]?.program ?? '',
    runtime: runtime ?? snapshots[0]?.runtime ?? '',
    flows: { started: 0, ok: 0, error: 0, overload: 0, inFlight: 0 },
    nodes: {},
    edges: [],
    paths: [],
    figures: {},
  };
  const edges = new Map<string, EdgeStats>();
  const paths = new Map<string, PathStats>();
  for (const s of snapshots) {
    out.flows.started += s.flows.started;
    out.flows.ok += s.flows.ok;
    out.flows.error += s.flows.error;
    out.flows.overload += s.flows.overload;
    out.flows.inFlight += s.flows.inFlight;
    for (const [name, n] of Object.entries(s.nodes)) {
      const m = (out.nodes[name] ??= emptyNodeStats());
      m.calls += n.calls;
      m.errors += n.errors;
      m.wallMs += n.wallMs;
      m.cpuMs += n.cpuMs;
      m.timed += n.timed;
    }
    for (const e of s.edges) {
      const key = `${e.from}\u0000${e.to}`;
      const m = edges.get(key);
      if (m === undefined) edges.set(key, { ...e });
      else m.count += e.count;
    }
    for (const p of s.paths) {
      const key = `${p.source}\u0000${p.number}`;
      const m = paths.get(key);
      if (m === undefined) paths.set(key, { ...p, nodes: [...p.nodes] });
      else {
        m.count += p.count;
        m.totalMs += p.totalMs;
      }
    }
    for (const [k, v] of Object.entries(s.figures)) out.figures[k] = (out.figures[k] ?? 0) + v;
  }
  out.edges = [...edges.values()];
  out.paths = sortPaths([...paths.values()].map((p) => ({ ...p, meanMs: p.count > 0 ? p.totalMs / p.count : 0 })));
  return out;
}

export function sortPaths(paths: PathStats[]): PathStats[] {
  return paths.sort((a, b) => b.count - a.count || (a.source < b.source ? -1 : a.source > b.source ? 1 : a.number - b.number));
}
