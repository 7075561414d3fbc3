/**
 * StatsRecorder: counters in typed arrays indexed by node id, edge id and global path id, cheap enough to
 * leave on. One per thread that runs flows; the interpreter writes to it directly.
 *
 * Cost choices (measured on Node 26, see README "Statistics"): a `performance.now()` read costs ~50 ns, a
 * `process.threadCpuUsage()` read ~400 ns. Wall time is read around every node call; CPU time only around one
 * call in `cpuSampleEvery` (default 16), and the per-node CPU total is scaled up from the sampled calls.
 */

import { describePath } from '../plan/paths.ts';
import type { Plan } from '../plan/plan.ts';
import { emptyNodeStats, sortPaths, type NodeStats, type PathStats, type StatsSnapshot } from './snapshot.ts';

export interface StatsOptions {
  /** Measure CPU time on one node call in this many (1 = every call, 0 = never). Default 16. */
  readonly cpuSampleEvery?: number;
}

/** Above this many paths in a program, path counters live in a Map instead of typed arrays. */
const MAX_DENSE_PATHS = 1 << 16;

export class StatsRecorder {
  readonly plan: Plan;
  readonly nodeCalls: Float64Array;
  readonly nodeErrors: Float64Array;
  readonly nodeWallMs: Float64Array;
  readonly nodeCpuUs: Float64Array;
  readonly nodeCpuSampled: Float64Array;
  readonly edgeCounts: Float64Array;
  readonly pathCounts: Float64Array | null;
  readonly pathTimeMs: Float64Array | null;
  readonly sparsePaths: Map<number, { count: number; ms: number }> | null;
  flowsStarted = 0;
  flowsOk = 0;
  flowsError = 0;
  flowsOverload = 0;
  /** 0 disables CPU sampling. */
  readonly cpuSampleEvery: number;
  /** Counts down to the next sampled call. */
  cpuCountdown: number;

  constructor(plan: Plan, options: StatsOptions = {}) {
    this.plan = plan;
    const n = plan.nodes.length;
    this.nodeCalls = new Float64Array(n);
    this.nodeErrors = new Float64Array(n);
    this.nodeWallMs = new Float64Array(n);
    this.nodeCpuUs = new Float64Array(n);
    this.nodeCpuSampled = new Float64Array(n);
    this.edgeCounts = new Float64Array(plan.edges.length);
    if (plan.numPaths <= MAX_DENSE_PATHS) {
      this.pathCounts = new Float64Array(plan.numPaths);
      this.pathTimeMs = new Float64Array(plan.numPaths);
      this.sparsePaths = null;
    } else {
      this.pathCounts = null;
      this.pathTimeMs = null;
      this.sparsePaths = new Map();
    }
    this.cpuSampleEvery = Math.max(0, Math.floor(options.cpuSampleEvery ?? 16));
    this.cpuCountdown = this.cpuSampleEvery;
  }

  /** True when the next node call should have its CPU time measured. */
  sampleCpu(): boolean {
    if (this.cpuSampleEvery === 0) return false;
    if (--this.cpuCountdown > 0) return false;
    this.cpuCountdown = this.cpuSampleEvery;
    return true;
  }

  countPath(globalPath: number, ms: number): void {
    if (this.pathCounts !== null) {
      this.pathCounts[globalPath]++;
      this.pathTimeMs![globalPath] += ms;
      return;
    }
    const entry = this.sparsePaths!.get(globalPath);
    if (entry === undefined) this.sparsePaths!.set(globalPath, { count: 1, ms });
    else {
      entry.count++;
      entry.ms += ms;
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
      s.wallMs = this.nodeWallMs[i]!;
      s.cpuSampled = this.nodeCpuSampled[i]!;
      s.cpuMs = s.cpuSampled > 0 ? (this.nodeCpuUs[i]! / s.cpuSampled) * s.calls / 1000 : 0;
      nodes[node.name] = s;
    }
    const edges = plan.edges
      .map((e, i) => ({ from: e.from, to: e.to, count: this.edgeCounts[i]! }))
      .filter((e) => e.count > 0);
    const paths: PathStats[] = [];
    const addPath = (global: number, count: number, ms: number): void => {
      if (count === 0) return;
      const source = sourceOfPath(plan, global);
      const d = describePath(plan, source.index, global - source.pathBase);
      paths.push({ source: d.source, number: d.number, nodes: [...d.nodes], ending: d.ending, count, totalMs: ms, meanMs: ms / count });
    };
    if (this.pathCounts !== null) {
      for (let g = 0; g < this.pathCounts.length; g++) addPath(g, this.pathCounts[g]!, this.pathTimeMs![g]!);
    } else {
      for (const [g, e] of this.sparsePaths!) addPath(g, e.count, e.ms);
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
