/**
 * StatsRecorder: counters in typed arrays indexed by node id, edge id and global path id, cheap enough to
 * leave on. One per thread that runs flows; the interpreter writes to it directly.
 *
 * Cost choices (measured on Node 26, see README "Statistics"): a node hop without clock reads costs ~25 ns; a
 * `performance.now()` read ~35-50 ns and a `process.threadCpuUsage()` read ~400 ns. So counts (calls, errors,
 * edges, paths) are exact, and node timing is sampled: the 1st, (k+1)th, (2k+1)th... call of each node
 * (k = `timingSampleEvery`, default 64) reads both clocks, and per-node totals are scaled up from those calls.
 * The profile's CPU histogram of a node holds the wall time of the calls' synchronous part, since the thread
 * CPU clock is too coarse for a distribution (see invokeTimed in flow/interpreter.ts).
 * Flow (path) durations are sampled the same way: one flow in k reads the wall clock at its start and its end
 * (a clock read costs as much as a short node on some machines), and path totals are scaled from those flows.
 *
 * The profile (snapshot `profile`, version 2) rides on the same samples, so it adds no clock read to an
 * unsampled call: a timed call also goes into its node's CPU/wall histograms, a timed flow into the flow
 * histogram and (when it takes locks) times its lock waits and holds. Exact per-call additions are counters
 * only: emissions per source and acquisitions per lock. Inter-arrival gaps cost one clock read per sampled
 * emission and one for the emission after it.
 */

import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type { LockUseIR } from '@flux/compiler/ir.ts';
import type { Clock } from '../flow/env.ts';
import { registry } from '../io/index.ts';
import { LogHistogram, type HistogramJson } from './histogram.ts';

import { describePath } from '../plan/paths.ts';
import type { Plan } from '../plan/plan.ts';
import { emptyNodeStats, sortPaths, type LockProfile, type NodeStats, type PathStats, type ProfileStats, type StatsSnapshot } from './snapshot.ts';

export interface StatsOptions {
  /**
   * Time one call in this many per node (wall and CPU time); rounded up to a power of two. 1 = every call,
   * 0 = never. Default: the environment's FLUX_STATS_SAMPLE_EVERY, else 64.
   */
  readonly timingSampleEvery?: number;
}

const DEFAULT_SAMPLE_EVERY = 64;

/**
 * The timing mask for `options`: a call/flow numbered n (from 0) is timed when `(n & mask) === 0`; -1 = none.
 * FLUX_STATS_SAMPLE_EVERY sets the default, so a server launched from the command line can be sampled more
 * or less densely (or not at all, 0) without a flag of its own.
 */
export function timingMaskOf(options: StatsOptions | undefined): number {
  const fromEnv = Number(process.env['FLUX_STATS_SAMPLE_EVERY'] ?? Number.NaN);
  const every = Math.max(0, Math.floor(options?.timingSampleEvery ?? (Number.isFinite(fromEnv) ? fromEnv : DEFAULT_SAMPLE_EVERY)));
  if (every === 0) return -1;
  return every > 1 ? 2 ** Math.ceil(Math.log2(every)) - 1 : 0;
}

/** How often the open-connection gauge is read. */
const CONNECTION_SAMPLE_MS = 100;

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

  // Profile (see the file comment). Histograms are created on first use.
  /** Wall clock (epoch ms) when recording began. */
  readonly startedAt = Date.now();
  /** Threads that run nodes and report through this recorder (0 for a main thread that only dispatches). */
  threads = 1;
  readonly nodeCpuHist: (LogHistogram | null)[];
  readonly nodeWallHist: (LogHistogram | null)[];
  readonly nodeAsyncHist: (LogHistogram | null)[];
  readonly sourceEmitted: Float64Array;
  /** Clock (ms) of each source's last sampled emission. */
  private readonly sourceSampledAt: Float64Array;
  readonly sourceGapHist: (LogHistogram | null)[];
  readonly lockAcquisitions: Float64Array;
  readonly lockContended: Float64Array;
  readonly lockExclusive: Float64Array;
  /** Per lock: bit 1 = taken shared (read), bit 2 = taken exclusive (write). */
  readonly lockModes: Uint8Array;
  readonly lockWaitHist: (LogHistogram | null)[];
  readonly lockHoldHist: (LogHistogram | null)[];
  readonly lockExclusiveHoldHist: (LogHistogram | null)[];
  readonly flowHist = new LogHistogram();
  /** Threaded runtimes only (null elsewhere): submit to start, and one thread crossing. */
  queueWaitHist: LogHistogram | null = null;
  crossingHist: LogHistogram | null = null;
  private readonly openConnections: () => number;
  private lastOpen = 0;
  private maxOpen = 0;
  /** Integral of open connections over time (connection-ms) up to `lastOpenAt`. */
  private connectionMs = 0;
  private readonly startedMono = performance.now();
  private readonly startedCpu = process.cpuUsage();
  private readonly startedThreadCpu = isMainThread ? process.threadCpuUsage() : null;
  private lastOpenAt: number;

  /**
   * `openConnections`: open connections on this thread now, read for the profile (default: this thread's io
   * registry; tests pass their own). Not an option, since options cross to worker threads and functions do not.
   */
  constructor(plan: Plan, options: StatsOptions = {}, openConnections: () => number = () => registry.size) {
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
    const mask = timingMaskOf(options);
    this.timing = mask >= 0;
    this.timingMask = mask >= 0 ? mask : 0;
    this.nodeCpuHist = new Array<LogHistogram | null>(n).fill(null);
    this.nodeWallHist = new Array<LogHistogram | null>(n).fill(null);
    this.nodeAsyncHist = new Array<LogHistogram | null>(n).fill(null);
    const sources = plan.sources.length;
    this.sourceEmitted = new Float64Array(sources);
    this.sourceSampledAt = new Float64Array(sources);
    this.sourceGapHist = new Array<LogHistogram | null>(sources).fill(null);
    const locks = plan.locks.length;
    this.lockAcquisitions = new Float64Array(locks);
    this.lockContended = new Float64Array(locks);
    this.lockExclusive = new Float64Array(locks);
    this.lockModes = new Uint8Array(locks);
    this.lockWaitHist = new Array<LogHistogram | null>(locks).fill(null);
    this.lockHoldHist = new Array<LogHistogram | null>(locks).fill(null);
    this.lockExclusiveHoldHist = new Array<LogHistogram | null>(locks).fill(null);
    this.openConnections = openConnections;
    this.lastOpen = this.maxOpen = this.openConnections();
    this.lastOpenAt = this.startedMono;
    // A timer, not a hook in the connection code: 10 reads a second cost nothing, and the recorder needs no
    // word from the sockets. It holds the recorder weakly, so a recorder dropped without closing is collected.
    const self = new WeakRef(this);
    const timer: ReturnType<typeof setInterval> = setInterval(() => {
      const recorder = self.deref();
      if (recorder === undefined) clearInterval(timer);
      else recorder.sampleConnections();
    }, CONNECTION_SAMPLE_MS);
    timer.unref();
  }

  /** 1 in this many calls/flows is timed; 0 = none. */
  get sampleEvery(): number {
    return this.timing ? this.timingMask + 1 : 0;
  }

  /**
   * A timed node call: `wallMs` from call to result; its synchronous part took `cpuUs` by the thread CPU clock
   * (totals) and `syncUs` by the wall clock (histograms: CPU, and wall minus it as the time awaited).
   */
  timedCall(id: number, wallMs: number, cpuUs: number, syncUs: number): void {
    this.nodeWallMs[id]! += wallMs;
    this.nodeCpuUs[id]! += cpuUs;
    const wallUs = wallMs * 1000;
    (this.nodeWallHist[id] ??= new LogHistogram()).record(wallUs);
    (this.nodeCpuHist[id] ??= new LogHistogram()).record(syncUs);
    (this.nodeAsyncHist[id] ??= new LogHistogram()).record(wallUs > syncUs ? wallUs - syncUs : 0);
  }

  /** Source `index` emitted a flow (run or refused). Every `timingMask + 1`th emission and the next are timed. */
  emitted(index: number, clock: Clock): void {
    const n = ++this.sourceEmitted[index]!;
    if (!this.timing) return;
    const closesGap = n > 1 && ((n - 2) & this.timingMask) === 0;
    const opensGap = ((n - 1) & this.timingMask) === 0;
    if (!closesGap && !opensGap) return;
    const now = clock.now();
    if (closesGap) (this.sourceGapHist[index] ??= new LogHistogram()).record((now - this.sourceSampledAt[index]!) * 1000);
    if (opensGap) this.sourceSampledAt[index] = now;
  }

  /** A flow asked for `uses`; `contended` when it had to wait. */
  locksAsked(uses: readonly LockUseIR[], contended: boolean): void {
    for (let i = 0; i < uses.length; i++) {
      const u = uses[i]!;
      this.lockAcquisitions[u.lock]!++;
      if (contended) this.lockContended[u.lock]!++;
      if (u.mode === 'write') {
        this.lockModes[u.lock]! |= 2;
        this.lockExclusive[u.lock]!++;
      } else this.lockModes[u.lock]! |= 1;
    }
  }

  /** A timed flow holds `uses` after waiting `waitMs` for them. */
  locksWaited(uses: readonly LockUseIR[], waitMs: number): void {
    for (let i = 0; i < uses.length; i++) (this.lockWaitHist[uses[i]!.lock] ??= new LogHistogram()).record(waitMs * 1000);
  }

  /** A timed flow held lock `lock` for `holdMs`, exclusively or not. */
  lockHeld(lock: number, holdMs: number, exclusive: boolean): void {
    (this.lockHoldHist[lock] ??= new LogHistogram()).record(holdMs * 1000);
    if (exclusive) (this.lockExclusiveHoldHist[lock] ??= new LogHistogram()).record(holdMs * 1000);
  }

  /** Threaded runtimes: a flow waited `us` between its submission and a worker starting it. */
  queueWaited(us: number): void {
    (this.queueWaitHist ??= new LogHistogram()).record(us);
  }

  /** Threaded runtimes: one message took `us` from post to receive. */
  crossed(us: number): void {
    (this.crossingHist ??= new LogHistogram()).record(us);
  }

  /** Reads the open-connection gauge (a step function between reads, for the time-weighted mean). */
  sampleConnections(now = performance.now()): void {
    const open = this.openConnections();
    this.connectionMs += this.lastOpen * (now - this.lastOpenAt);
    this.lastOpen = open;
    this.lastOpenAt = now;
    if (open > this.maxOpen) this.maxOpen = open;
  }

  /** Whether the flow started as the `flowsStarted`th (counted including it) has its duration measured. */
  timesFlow(): boolean {
    return this.timing && ((this.flowsStarted - 1) & this.timingMask) === 0;
  }

  /** A flow ended on `globalPath`; `ms` is its duration, or negative when it was not measured. */
  countPath(globalPath: number, ms: number): void {
    const timed = ms >= 0 ? 1 : 0;
    if (timed === 1) this.flowHist.record(ms * 1000);
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
      version: 2,
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
      profile: this.profile(),
    };
  }

  profile(): ProfileStats {
    const plan = this.plan;
    const now = performance.now();
    const spanMs = now - this.startedMono;
    const json = (h: LogHistogram | null): HistogramJson => (h ?? new LogHistogram()).toJSON();
    const nodes: ProfileStats['nodes'] = {};
    const asyncWaitUs: Record<string, HistogramJson> = {};
    for (const node of plan.nodes) {
      if (node.kind !== 'concrete') continue;
      nodes[node.name] = { cpuUs: json(this.nodeCpuHist[node.id]!), wallUs: json(this.nodeWallHist[node.id]!) };
      asyncWaitUs[node.name] = json(this.nodeAsyncHist[node.id]!);
    }
    const sources: ProfileStats['sources'] = {};
    for (const s of plan.sources) sources[s.name] = { emitted: this.sourceEmitted[s.index]!, interArrivalUs: json(this.sourceGapHist[s.index]!) };
    const locks: Record<string, LockProfile> = {};
    plan.locks.forEach((l, i) => {
      if (plan.elided[i]) return;
      const modes = this.lockModes[i]!;
      locks[l.name] = {
        mode: modes === 3 ? 'mixed' : modes === 1 ? 'shared' : 'exclusive',
        acquisitions: this.lockAcquisitions[i]!,
        contended: this.lockContended[i]!,
        waitUs: json(this.lockWaitHist[i]!),
        holdUs: json(this.lockHoldHist[i]!),
        exclusiveAcquisitions: this.lockExclusive[i]!,
        exclusiveHoldUs: json(this.lockExclusiveHoldHist[i]!),
      };
    });
    this.sampleConnections(now);
    const connectionMs = this.connectionMs;
    const out: ProfileStats = {
      sampleEvery: this.sampleEvery,
      startedAt: this.startedAt,
      durationMs: spanMs,
      cores: availableParallelism(),
      threads: this.threads,
      processCpuUs: cpuSince(this.startedCpu),
      mainThreadCpuUs: this.startedThreadCpu === null ? 0 : threadCpuSince(this.startedThreadCpu),
      nodes,
      sources,
      locks,
      asyncWaitUs,
      connections: { maxOpen: this.maxOpen, meanOpen: spanMs > 0 ? connectionMs / spanMs : 0 },
      flowUs: this.flowHist.toJSON(),
    };
    if (this.queueWaitHist !== null) out.queueWaitUs = this.queueWaitHist.toJSON();
    if (this.crossingHist !== null) out.crossingUs = this.crossingHist.toJSON();
    return out;
  }
}

function sourceOfPath(plan: Plan, global: number): Plan['sources'][number] {
  for (const s of plan.sources) if (global >= s.pathBase && global < s.pathBase + s.numPaths) return s;
  throw new RangeError(`path ${global} belongs to no source`);
}

function threadCpuSince(start: NodeJS.CpuUsage): number {
  const u = process.threadCpuUsage(start);
  return u.user + u.system;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return u.user + u.system;
}
