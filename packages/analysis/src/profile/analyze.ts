/**
 * From a snapshot to what a user asks of a profile: per node CPU, blocking and wall time; per constraint
 * wait and hold; hot paths ranked by frequency x time. Means come from the exact totals where the snapshot
 * has them (calls x sampled mean), percentiles from the histograms of the sampled calls.
 */

import { mean, quantile, type HistogramJson } from '@flux/runtime/stats/histogram.ts';
import type { LockMode, StatsSnapshot } from '@flux/runtime/stats/snapshot.ts';

export interface Spread {
  meanUs: number;
  p50Us: number;
  p99Us: number;
  /** Sampled values behind the percentiles. */
  samples: number;
}

export interface NodeRow {
  name: string;
  calls: number;
  errors: number;
  /**
   * Mean: the thread CPU clock (fair on average, steps of ms); p50/p99: the synchronous part's wall time (the
   * profile's histogram), which is CPU time while the thread keeps its core.
   */
  cpu: Spread;
  /** The synchronous part's wall time, all from the histogram. */
  sync: Spread;
  /** Wall minus the synchronous part: time the call awaited (I/O, libuv's pool, a promise). */
  blocking: Spread;
  wall: Spread;
  /** CPU per completed flow, µs (calls per flow x mean CPU). */
  cpuPerFlowUs: number;
  /** Share of all node CPU. */
  cpuShare: number;
  /** Wall time per completed flow, µs, and its share of all node wall time. */
  wallPerFlowUs: number;
  wallShare: number;
}

export interface LockRow {
  name: string;
  mode: LockMode;
  acquisitions: number;
  /** Share of acquisitions that waited. */
  contendedShare: number;
  wait: Spread;
  hold: Spread;
  /** Hold time per completed flow, µs (acquisitions per flow x mean hold). */
  holdPerFlowUs: number;
  /** Exclusive acquisitions per flow x their mean hold: the serial part (all of it for an exclusive lock). */
  exclusiveHoldPerFlowUs: number;
  exclusiveShare: number;
  /** Total wait per completed flow, µs, and its share of all lock wait. */
  waitPerFlowUs: number;
  waitShare: number;
}

export interface HotPath {
  source: string;
  number: number;
  nodes: string[];
  ending: string;
  count: number;
  meanMs: number;
  totalMs: number;
  /** Share of all flows' time. */
  share: number;
}

export interface Analysis {
  program: string;
  runtime: string;
  /** Flows that ended (ok or error); the denominator of every per-flow figure. */
  completed: number;
  /** Flows per second over the snapshot's span (idle time included). */
  flowsPerSecond: number;
  durationMs: number;
  cores: number;
  threads: number;
  sampleEvery: number;
  nodes: NodeRow[];
  locks: LockRow[];
  hotPaths: HotPath[];
  /** CPU per completed flow: all nodes, and the whole process (0 when the snapshot lacks it). */
  nodeCpuPerFlowUs: number;
  processCpuPerFlowUs: number;
  /** The main thread's CPU per flow (0 when the snapshot lacks it). */
  mainThreadCpuPerFlowUs: number;
  /** Synchronous time of all nodes per flow (wall clock); above the process's CPU the machine was oversubscribed. */
  nodeSyncPerFlowUs: number;
  /** Nodes never called. */
  idle: string[];
  warnings: string[];
  flow: Spread;
  queueWait: Spread | null;
  crossing: Spread | null;
  connections: { maxOpen: number; meanOpen: number };
}

export function spread(h: HistogramJson | undefined, meanOverride?: number): Spread {
  if (h === undefined || h.count === 0) return { meanUs: meanOverride ?? 0, p50Us: 0, p99Us: 0, samples: 0 };
  return { meanUs: meanOverride ?? mean(h), p50Us: quantile(h, 0.5), p99Us: quantile(h, 0.99), samples: h.count };
}

export function analyze(s: StatsSnapshot): Analysis {
  const p = s.profile;
  const completed = s.flows.ok + s.flows.error;
  const perFlow = (total: number): number => (completed > 0 ? total / completed : 0);

  const rows: NodeRow[] = [];
  const idle: string[] = [];
  let syncTotalUs = 0;
  for (const [name, n] of Object.entries(s.nodes)) {
    const prof = p.nodes[name];
    if (prof === undefined) continue; // abstract nodes: no calls of their own to time
    if (n.calls === 0) {
      idle.push(name);
      continue;
    }
    const wallTotalUs = n.wallMs * 1000;
    const sync = spread(prof.cpuUs);
    // The thread CPU clock advances in steps of 0.3-4.5 ms here, so a short node's total from it is noisy and
    // can exceed what the node could have used: a synchronous call's CPU is at most its synchronous wall time.
    const cpuTotalUs = sync.samples > 0 ? Math.min(n.cpuMs * 1000, sync.meanUs * n.calls) : n.cpuMs * 1000;
    const cpu = spread(prof.cpuUs, n.timed > 0 ? cpuTotalUs / n.calls : undefined);
    const wall = spread(prof.wallUs, n.timed > 0 ? wallTotalUs / n.calls : undefined);
    syncTotalUs += sync.meanUs * n.calls;
    const blockingHist = p.asyncWaitUs?.[name];
    const blockingMean = Math.max(0, wall.meanUs - sync.meanUs);
    const blocking = blockingHist !== undefined ? spread(blockingHist, blockingMean) : { meanUs: blockingMean, p50Us: 0, p99Us: 0, samples: 0 };
    rows.push({
      name,
      calls: n.calls,
      errors: n.errors,
      cpu,
      sync,
      blocking,
      wall,
      cpuPerFlowUs: perFlow(cpuTotalUs),
      cpuShare: 0,
      wallPerFlowUs: perFlow(wallTotalUs),
      wallShare: 0,
    });
  }
  const nodeCpu = rows.reduce((a, r) => a + r.cpuPerFlowUs, 0);
  const nodeWall = rows.reduce((a, r) => a + r.wallPerFlowUs, 0);
  for (const r of rows) {
    r.cpuShare = nodeCpu > 0 ? r.cpuPerFlowUs / nodeCpu : 0;
    r.wallShare = nodeWall > 0 ? r.wallPerFlowUs / nodeWall : 0;
  }
  rows.sort((a, b) => b.cpuPerFlowUs - a.cpuPerFlowUs || b.wallPerFlowUs - a.wallPerFlowUs || a.name.localeCompare(b.name));

  const locks: LockRow[] = Object.entries(p.locks).map(([name, l]) => {
    const hold = spread(l.holdUs);
    const wait = spread(l.waitUs);
    // Snapshots from before exclusive holds were kept apart: an exclusive lock's holds are all exclusive.
    const exclusiveCount = l.exclusiveAcquisitions ?? (l.mode === 'exclusive' ? l.acquisitions : 0);
    const exclusiveHold = l.exclusiveHoldUs !== undefined && l.exclusiveHoldUs.count > 0 ? spread(l.exclusiveHoldUs) : l.mode === 'exclusive' ? hold : spread(undefined);
    return {
      name,
      mode: l.mode,
      acquisitions: l.acquisitions,
      contendedShare: l.acquisitions > 0 ? l.contended / l.acquisitions : 0,
      wait,
      hold,
      holdPerFlowUs: perFlow(l.acquisitions * hold.meanUs),
      exclusiveHoldPerFlowUs: perFlow(exclusiveCount * exclusiveHold.meanUs),
      exclusiveShare: l.acquisitions > 0 ? exclusiveCount / l.acquisitions : 0,
      waitPerFlowUs: perFlow(l.acquisitions * wait.meanUs),
      waitShare: 0,
    };
  });
  const totalWait = locks.reduce((a, l) => a + l.waitPerFlowUs, 0);
  for (const l of locks) l.waitShare = totalWait > 0 ? l.waitPerFlowUs / totalWait : 0;
  locks.sort((a, b) => b.holdPerFlowUs - a.holdPerFlowUs || a.name.localeCompare(b.name));

  const processCpuPerFlowUs = perFlow(p.processCpuUs ?? 0);
  const nodeSyncPerFlowUs = perFlow(syncTotalUs);
  const warnings: string[] = [];
  if (processCpuPerFlowUs > 0 && nodeSyncPerFlowUs > 1.2 * processCpuPerFlowUs) {
    warnings.push(
      `The nodes' synchronous time (${fmt(nodeSyncPerFlowUs)} a flow) exceeds the whole process's CPU (${fmt(processCpuPerFlowUs)}): ` +
        'the machine was oversubscribed, so per-call percentiles include waiting for a core. Profile on a quieter machine.',
    );
  }
  if (completed > 0 && completed < 1000) warnings.push(`Only ${completed} flows: figures from ${p.sampleEvery > 0 ? Math.ceil(completed / p.sampleEvery) : 0} timed flows are rough; record under load for longer.`);
  if (p.sampleEvery === 0) warnings.push('Timing was off (sample rate 0): no times, only counts.');
  idle.sort();
  return {
    program: s.program,
    runtime: s.runtime,
    completed,
    flowsPerSecond: p.durationMs > 0 ? completed / (p.durationMs / 1000) : 0,
    durationMs: p.durationMs,
    cores: p.cores,
    threads: p.threads,
    sampleEvery: p.sampleEvery,
    nodes: rows,
    locks,
    hotPaths: rankPaths(s),
    nodeCpuPerFlowUs: nodeCpu,
    processCpuPerFlowUs,
    mainThreadCpuPerFlowUs: perFlow(p.mainThreadCpuUs ?? 0),
    nodeSyncPerFlowUs,
    idle,
    warnings,
    flow: spread(p.flowUs),
    queueWait: p.queueWaitUs === undefined ? null : spread(p.queueWaitUs),
    crossing: p.crossingUs === undefined ? null : spread(p.crossingUs),
    connections: p.connections,
  };
}

/**
 * Paths ranked by frequency x time (their total flow time), then by count. A path's time is its flows'
 * sampled mean duration scaled to all its flows; paths none of whose flows was timed rank by count after.
 */
export function rankPaths(s: StatsSnapshot): HotPath[] {
  const total = s.paths.reduce((a, p) => a + p.totalMs, 0);
  return s.paths
    .map((p) => ({
      source: p.source,
      number: p.number,
      nodes: [...p.nodes],
      ending: p.ending.status === 'ok' ? 'ok' : `error at ${p.ending.node}`,
      count: p.count,
      meanMs: p.count > 0 ? p.totalMs / p.count : 0,
      totalMs: p.totalMs,
      share: total > 0 ? p.totalMs / total : 0,
    }))
    .sort((a, b) => b.totalMs - a.totalMs || b.count - a.count || a.source.localeCompare(b.source) || a.number - b.number);
}

function fmt(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`;
}
