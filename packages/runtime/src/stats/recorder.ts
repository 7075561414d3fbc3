/**
 * StatsRecorder: counters in typed arrays indexed by node id, edge id and global path id, cheap enough to
 * leave on. One per thread that runs flows; the interpreter writes to it directly.
 *
 * Cost choices (measured on Node 26, see README "Statistics"): a node hop without clock reads costs ~25 ns; a
 * `performance.now()` read ~35-50 ns and a `process.threadCpuUsage()` read ~400 ns. So counts (calls, errors,
 * edges, paths) are exact, and node timing is sampled: the 1st, (k+1)th, (2k+1)th... call of each node
 * (k = `timingSampleEvery`, default 64) reads both clocks, and per-node totals are scaled up from those calls.
 * Flow (path) durations are sampled the same way: one flow in k reads the wall clock at its start and its end
 * (a clock read costs as much as a short node on some machines), and path totals are scaled from those flows.
 */

import { describePath } from '../plan/paths.ts';
import type { Plan } from '../plan/plan.ts';
import { emptyNodeStats, sortPaths, type NodeStats, type PathStats, type StatsSnapshot } from './snapshot.ts';

export interface StatsOptions {
  /**
   * Time one call in this many per node (wall and CPU time); rounded up to a power of two. 1 = every call,
   * 0 = never. Default 64.
   */
  readonly timingSampleEvery?: number;
}

/** Above this many paths in a program, path counters live in a Map instead of typed arrays. */
const MAX_DENSE_PATHS = 1 << 16;

export class StatsRecorder {
  readonly plan: Plan;
  readonly nodeCalls: Float64Array;
  readonly nodeErrors: Float64Array;
  readonly nodeWallMs: Float64Array;
  readonly nodeCpuUs: Float64Array;
  /** Calls whose wall and CPU time were measured. */
  readonly nodeTimed: Float64Array;
  readonly edgeCounts: Float64Array;
  readonly pathCounts: Float64Array | null;
  readonly pathTimeMs: Float64Array | null;
  /** Flows of each path whose duration was measured. */
  readonly pathTimed: Float64Array | null;
  readonly sparsePaths: Map<number, { count: number; ms: number; timed: number }> | null;
  flowsStarted = 0;
  flowsOk = 0;
  flowsError = 0;
  flowsOverload = 0;
  /** False: no node call is timed. */
  readonly timing: boolean;
  /** A node call is timed when `(calls - 1) & timingMask` is 0 (calls counted including this one). */
  readonly timingMask: number;

  constructor(plan: Plan, options: StatsOptions = {}) {
    this.plan = plan;
    const n = plan.nodes.length;
    this.nodeCalls = new Float64Array(n);
    this.nodeErrors = new Float64Array(n);
    this.nodeWallMs = new Float64Array(n);
    this.nodeCpuUs = new Float64Array(n);
    this.nodeTimed = new Float64Array(n);
    this.edgeCounts = new Float64Array(plan.edges.length);
    if (plan.numPaths <= MAX_DENSE_PATHS) {
      this.pathCounts = new Float64Array(plan.numPaths);
      this.pathTimeMs = new Float64Array(plan.numPaths);
      this.pathTimed = new Float64Array(plan.numPaths);
      this.sparsePaths = null;
    } else {
      this.pathCounts = null;
      this.pathTimeMs = null;
      this.pathTimed = null;
      this.sparsePaths = new Map();
    }
    const every = Math.max(0, Math.floor(options.timingSampleEvery ?? 64));
    this.timing = every > 0;
    this.timingMask = every > 1 ? 2 ** Math.ceil(Math.log2(every)) - 1 : 0;
  }

  /** Whether the flow started as the `flowsStarted`th (counted including it) has its duration measured. */
  timesFlow(): boolean {
    return this.timing && ((this.flowsStarted - 1) & this.timingMask) === 0;
  }

  /** A flow ended on `globalPath`; `ms` is its duration, or negative when it was not measured. */
  countPath(globalPath: number, ms: number): void {
    const timed = ms >= 0 ? 1 : 0;
    if (this.pathCounts !== null) {
      this.pathCounts[globalPath]++;
      if (timed === 1) {
        this.pathTimeMs![globalPath] += ms;
        this.pathTimed![globalPath]++;
      }
      return;
    }
    const entry = this.sparsePaths!.get(globalPath);
    if (entry === undefined) this.sparsePaths!.set(globalPath, { count: 1, ms: timed * ms, timed });
    else {
      entry.count++;
      entry.ms += timed * ms;
      entry.timed += timed;
    }
  }

  snapshot(runtime: string, figures: Record<string, number> = {}): StatsSnapshot {
    const plan = this.plan;
    const nodes: Record<string, NodeStats> = {};
    for (const node of plan.nodes) {
      const i = node.id;
      const s = emptyNodeStats();
      s.calls = this.nodeCalls[i]!;
      s.errors = this.nodeErrors[i]!;
      s.timed = this.nodeTimed[i]!;
      const scale = s.timed > 0 ? s.calls / s.timed : 0;
      s.wallMs = this.nodeWallMs[i]! * scale;
      s.cpuMs = (this.nodeCpuUs[i]! * scale) / 1000;
      nodes[node.name] = s;
    }
    const edges = plan.edges
      .map((e, i) => ({ from: e.from, to: e.to, count: this.edgeCounts[i]! }))
      .filter((e) => e.count > 0);
    const paths: PathStats[] = [];
    const addPath = (global: number, count: number, timedMs: number, timed: number): void => {
      if (count === 0) return;
      const ms = timed > 0 ? (timedMs * count) / timed : 0;
      const source = sourceOfPath(plan, global);
      const d = describePath(plan, source.index, global - source.pathBase);
      paths.push({ source: d.source, number: d.number, nodes: [...d.nodes], ending: d.ending, count, totalMs: ms, meanMs: ms / count });
    };
    if (this.pathCounts !== null) {
      for (let g = 0; g < this.pathCounts.length; g++) addPath(g, this.pathCounts[g]!, this.pathTimeMs![g]!, this.pathTimed![g]!);
    } else {
      for (const [g, e] of this.sparsePaths!) addPath(g, e.count, e.ms, e.timed);
    }
    const ended = this.flowsOk + this.flowsError + this.flowsOverload;
    return {
      program: plan.ir.program,
      runtime,
      flows: {
        started: this.flowsStarted,
        ok: this.flowsOk,
        error: this.flowsError,
        overload: this.flowsOverload,
        inFlight: this.flowsStarted - ended,
      },
      nodes,
      edges,
      paths: sortPaths(paths),
      figures: { ...figures },
    };
  }
}

function sourceOfPath(plan: Plan, global: number): Plan['sources'][number] {
  for (const s of plan.sources) if (global >= s.pathBase && global < s.pathBase + s.numPaths) return s;
  throw new RangeError(`path ${global} belongs to no source`);
}
