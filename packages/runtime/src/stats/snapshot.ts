/**
 * StatsSnapshot: the JSON form of a runtime's statistics, and `mergeSnapshots` to sum snapshots taken on
 * several threads of one server (same program, same plan shape).
 *
 * Version 2 adds `profile`: distributions (log-bucketed histograms, see histogram.ts) that `flux profile` and
 * `flux simulate` read. Histograms hold only the sampled flows/calls (1 in `profile.sampleEvery`); counts
 * elsewhere are exact.
 */

import { emptyHistogram, mergeHistograms, type HistogramJson } from './histogram.ts';

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
  /**
   * Estimated total CPU time in ms of the synchronous part of the calls (the thread's CPU clock), scaled the
   * same way.
   */
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

export interface NodeProfile {
  /**
   * CPU time of the sampled calls, measured as the wall time of their synchronous part: exact while the thread
   * keeps its core; on an oversubscribed machine it also counts waiting for one. (The thread CPU clock behind
   * `nodes[].cpuMs` advances in steps of milliseconds: a fair mean, no distribution.)
   */
  cpuUs: HistogramJson;
  /** Wall time from call to result of the sampled calls (includes awaiting a promise). */
  wallUs: HistogramJson;
}

export interface SourceProfile {
  /** Flows this source emitted (exact, overloads included). */
  emitted: number;
  /**
   * Gaps between consecutive emissions of this source, sampled (the gap after 1 emission in sampleEvery),
   * counted where the source runs. Under `workers` each worker owns a copy of a listening source: merged gaps
   * are per copy, not of the union.
   */
  interArrivalUs: HistogramJson;
}

export type LockMode = 'exclusive' | 'shared' | 'mixed';

export interface LockProfile {
  mode: LockMode;
  /** Acquisitions (exact). */
  acquisitions: number;
  /** Acquisitions that had to wait for another holder (exact). */
  contended: number;
  /** From asking for the lock to holding it, sampled acquisitions (0 when uncontended). */
  waitUs: HistogramJson;
  /** From holding the lock to releasing it, sampled acquisitions. */
  holdUs: HistogramJson;
  /**
   * The exclusive (write) acquisitions among them (exact) and their holds: only these exclude each other, so
   * they are what serialises flows when the lock is `mixed`.
   */
  exclusiveAcquisitions: number;
  exclusiveHoldUs: HistogramJson;
}

export interface ConnectionProfile {
  /** Most connections open at once (merged: summed over threads, an upper bound). */
  maxOpen: number;
  /** Time-weighted mean of open connections over the snapshot's span (merged: summed). */
  meanOpen: number;
}

export interface ProfileStats {
  /** 1 in this many flows/calls/acquisitions is timed into the histograms. */
  sampleEvery: number;
  /** Wall clock (ms since the epoch) when recording began, and the span the snapshot covers. */
  startedAt: number;
  durationMs: number;
  /** os.availableParallelism() of the machine it ran on. */
  cores: number;
  /** Threads that ran nodes: 1 for event; threadpool / thread: the live workers; workers: its threads. */
  threads: number;
  /**
   * CPU time (user + system, µs) the whole process used over the span, every thread and the runtime's own work
   * (parsing, io, dispatch) included: node CPU is only part of a request's cost. Merged: the largest.
   */
  processCpuUs: number;
  /**
   * CPU time (µs) of the main thread alone over the span: under `event` every flow's work but libuv's pool;
   * under `threadpool` / `thread` the sources, parsing and io that all flows share. Merged: summed (only the
   * main thread's recorder reports it).
   */
  mainThreadCpuUs: number;
  /** Per concrete node, sampled calls. */
  nodes: Record<string, NodeProfile>;
  sources: Record<string, SourceProfile>;
  /** Per constraint (lock name). */
  locks: Record<string, LockProfile>;
  /** Threaded runtimes: from submitting a flow to a worker starting it, sampled. */
  queueWaitUs?: HistogramJson;
  /** Threaded runtimes: one thread crossing (post to receive), sampled. */
  crossingUs?: HistogramJson;
  /** Per concrete node: wall minus synchronous time of the sampled calls (awaiting I/O, libuv's pool, ...). */
  asyncWaitUs?: Record<string, HistogramJson>;
  connections: ConnectionProfile;
  /** Flow start to end, sampled flows. */
  flowUs: HistogramJson;
}

export interface StatsSnapshot {
  version: 2;
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
  profile: ProfileStats;
}

export function emptyNodeStats(): NodeStats {
  return { calls: 0, errors: 0, wallMs: 0, cpuMs: 0, timed: 0 };
}

export function emptyProfile(sampleEvery = 0): ProfileStats {
  return {
    sampleEvery,
    startedAt: 0,
    durationMs: 0,
    cores: 0,
    threads: 0,
    processCpuUs: 0,
    mainThreadCpuUs: 0,
    nodes: {},
    sources: {},
    locks: {},
    connections: { maxOpen: 0, meanOpen: 0 },
    flowUs: emptyHistogram(),
  };
}

/** Merges profiles of threads of one server over about the same span. */
export function mergeProfiles(profiles: readonly ProfileStats[]): ProfileStats {
  const out = emptyProfile(0);
  const recorded = profiles.filter((p) => p.startedAt > 0);
  if (recorded.length > 0) {
    out.startedAt = Math.min(...recorded.map((p) => p.startedAt));
    out.durationMs = Math.max(...recorded.map((p) => p.startedAt + p.durationMs)) - out.startedAt;
  }
  const nodes = new Map<string, NodeProfile[]>();
  const sources = new Map<string, SourceProfile[]>();
  const locks = new Map<string, LockProfile[]>();
  const asyncWait = new Map<string, HistogramJson[]>();
  const group = <T>(m: Map<string, T[]>, rec: Record<string, T>): void => {
    for (const [k, v] of Object.entries(rec)) {
      const list = m.get(k);
      if (list === undefined) m.set(k, [v]);
      else list.push(v);
    }
  };
  for (const p of profiles) {
    out.sampleEvery = Math.max(out.sampleEvery, p.sampleEvery);
    out.cores = Math.max(out.cores, p.cores);
    out.threads += p.threads;
    // Every thread reads the same process's CPU; the earliest recorder (the main thread's) saw the most of it.
    out.processCpuUs = Math.max(out.processCpuUs, p.processCpuUs ?? 0);
    out.mainThreadCpuUs += p.mainThreadCpuUs ?? 0;
    group(nodes, p.nodes);
    group(sources, p.sources);
    group(locks, p.locks);
    if (p.asyncWaitUs !== undefined) group(asyncWait, p.asyncWaitUs);
    out.connections.maxOpen += p.connections.maxOpen;
    out.connections.meanOpen += p.connections.meanOpen;
  }
  for (const [name, list] of nodes) {
    out.nodes[name] = { cpuUs: mergeHistograms(list.map((n) => n.cpuUs)), wallUs: mergeHistograms(list.map((n) => n.wallUs)) };
  }
  for (const [name, list] of sources) {
    out.sources[name] = {
      emitted: list.reduce((a, s) => a + s.emitted, 0),
      interArrivalUs: mergeHistograms(list.map((s) => s.interArrivalUs)),
    };
  }
  for (const [name, list] of locks) {
    const modes = new Set(list.filter((l) => l.acquisitions > 0).map((l) => l.mode));
    out.locks[name] = {
      mode: modes.size === 1 ? [...modes][0]! : modes.size === 0 ? list[0]!.mode : 'mixed',
      acquisitions: list.reduce((a, l) => a + l.acquisitions, 0),
      contended: list.reduce((a, l) => a + l.contended, 0),
      waitUs: mergeHistograms(list.map((l) => l.waitUs)),
      holdUs: mergeHistograms(list.map((l) => l.holdUs)),
      exclusiveAcquisitions: list.reduce((a, l) => a + (l.exclusiveAcquisitions ?? 0), 0),
      exclusiveHoldUs: mergeHistograms(list.map((l) => l.exclusiveHoldUs)),
    };
  }
  if (asyncWait.size > 0) {
    out.asyncWaitUs = {};
    for (const [name, list] of asyncWait) out.asyncWaitUs[name] = mergeHistograms(list);
  }
  const queue = profiles.map((p) => p.queueWaitUs).filter((h) => h !== undefined);
  if (queue.length > 0) out.queueWaitUs = mergeHistograms(queue);
  const crossing = profiles.map((p) => p.crossingUs).filter((h) => h !== undefined);
  if (crossing.length > 0) out.crossingUs = mergeHistograms(crossing);
  out.flowUs = mergeHistograms(profiles.map((p) => p.flowUs));
  return out;
}

/** Sums snapshots of the same program (e.g. one per worker). An empty list gives an empty snapshot. */
export function mergeSnapshots(snapshots: readonly StatsSnapshot[], runtime?: string): StatsSnapshot {
  const out: StatsSnapshot = {
    version: 2,
    program: snapshots[0]?.program ?? '',
    runtime: runtime ?? snapshots[0]?.runtime ?? '',
    flows: { started: 0, ok: 0, error: 0, overload: 0, inFlight: 0 },
    nodes: {},
    edges: [],
    paths: [],
    figures: {},
    profile: emptyProfile(),
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
  out.profile = mergeProfiles(snapshots.map((s) => s.profile));
  out.edges = [...edges.values()];
  out.paths = sortPaths([...paths.values()].map((p) => ({ ...p, meanMs: p.count > 0 ? p.totalMs / p.count : 0 })));
  return out;
}

export function sortPaths(paths: PathStats[]): PathStats[] {
  return paths.sort((a, b) => b.count - a.count || (a.source < b.source ? -1 : a.source > b.source ? 1 : a.number - b.number));
}
