/**
 * What `threadpool` and `thread` share on the main thread: the shared lock memory and its held rows, the shared
 * session table, spawning workers, recovering after a worker dies (its locks, its flows' error paths), and
 * statistics (main-thread counters + every worker's snapshot, merged).
 */

import type { FlowOutcome } from '../api.ts';
import type { RuntimeCore } from '../core/core.ts';
import { codes, FluxError, FluxFlowError, messageOf } from '../errors.ts';
import type { LockManager } from '../flow/env.ts';
import { Interpreter, isThenable } from '../flow/interpreter.ts';
import { buildPlan } from '../plan/build.ts';
import type { Plan } from '../plan/plan.ts';
import { createLockMemory, LockMemoryView, type LockMemory } from '../shared/lock-memory.ts';
import { releaseRow } from '../shared/rwlock.ts';
import { SessionTable } from '../shared/session-table.ts';
import { systemClock } from '../stats/clock.ts';
import { StatsRecorder, type StatsOptions } from '../stats/recorder.ts';
import { mergeSnapshots, type StatsSnapshot } from '../stats/snapshot.ts';
import { mapLocks, type LockIndexMap } from './lock-manager.ts';
import { cloneableOptions } from './options.ts';
import type { WorkerInit } from './protocol.ts';
import { WorkerHost, type FlowJob, type WorkerHostEvents } from './worker-host.ts';

/** The main thread runs no flow under the threaded runtimes, so its interpreter must never take a lock. */
const noLocks: LockManager = {
  acquire() {
    throw new Error('the main thread takes no locks under the threaded runtimes');
  },
  release() {},
};

export interface BaseShape {
  /** Most workers alive at once (rows of the held table). */
  readonly rows: number;
  /** Session slots, if the program has session-scope locks. */
  readonly maxSessions: number;
  readonly stats: StatsOptions | undefined;
  readonly statsTimeoutMs: number;
  readonly compileCache: boolean;
}

export class ThreadsBase {
  readonly core: RuntimeCore;
  /** The main thread's plan (no lock elision): for overload and worker-death error paths. */
  readonly plan: Plan;
  readonly lockMap: LockIndexMap;
  readonly lockMemory: LockMemory;
  readonly view: LockMemoryView;
  /** Null when no flow takes a session-scope lock: sessions then need no shared state. */
  readonly sessionTable: SessionTable | null;
  /** Counts flows refused or orphaned on the main thread. */
  readonly mainStats: StatsRecorder;
  /** Runs the target's handler for refused flows (Interpreter.overload). */
  readonly mainInterpreter: Interpreter;
  readonly statsTimeoutMs: number;
  /** Worker deaths so far. */
  deaths = 0;
  /** Workers started so far; of those, how many got ready, and their total start time (ms). */
  started = 0;
  readyCount = 0;
  startMsTotal = 0;

  private readonly freeRows: number[];
  private readonly recovered = new WeakSet<WorkerHost>();
  private readonly initBase: Omit<WorkerInit, 'row' | 'threadIndex'>;
  /** Snapshots of workers that are gone, merged. */
  private retired: StatsSnapshot | null = null;

  constructor(core: RuntimeCore, shape: BaseShape) {
    this.core = core;
    this.plan = core.plan.options.elideSyncLocks ? buildPlan(core.ir, core.impl, { elideSyncLocks: false }) : core.plan;
    this.lockMap = mapLocks(this.plan.locks);
    const sessions = this.plan.usesSessionLocks;
    this.lockMemory = createLockMemory({
      programLocks: this.lockMap.programLocks,
      sessionLocks: sessions ? this.lockMap.sessionLocks : 0,
      maxSessions: sessions ? shape.maxSessions : 0,
      rows: shape.rows,
    });
    this.view = new LockMemoryView(this.lockMemory);
    this.sessionTable = sessions ? new SessionTable(this.view) : null;
    this.freeRows = Array.from({ length: shape.rows }, (_, i) => shape.rows - 1 - i);
    this.mainStats = new StatsRecorder(this.plan, shape.stats);
    this.mainStats.threads = 0; // dispatches only; the workers run the nodes
    this.mainInterpreter = new Interpreter(this.plan, {
      locks: noLocks,
      stats: this.mainStats,
      clock: systemClock,
      reportError: core.reportError,
    });
    this.statsTimeoutMs = shape.statsTimeoutMs;
    this.initBase = {
      runtime: core.runtime,
      implementationUrl: core.implementationUrl,
      ir: core.ir,
      options: cloneableOptions(core.options),
      shared: core.shared.toRecord(),
      lockMemory: this.lockMemory,
      stats: shape.stats,
      compileCache: shape.compileCache,
    };
  }

  /** Workers that can be started now (free held-table rows). */
  get freeRowCount(): number {
    return this.freeRows.length;
  }

  /** Starts a worker, or returns null when every held-table row is taken. */
  spawn(threadIndex: number, events: WorkerHostEvents): WorkerHost | null {
    const row = this.freeRows.pop();
    if (row === undefined) return null;
    const host = new WorkerHost({ ...this.initBase, row, threadIndex }, events);
    this.started++;
    host.ready.then(
      () => {
        this.readyCount++;
        this.startMsTotal += host.startMs;
      },
      () => {},
    );
    return host;
  }

  /**
   * After a worker has exited (died or terminated): undoes the locks its held row records, wakes their
   * waiters, frees the row for a new worker, and (with `keepStats`) folds its last snapshot into the retired
   * total so its work still counts.
   */
  recover(host: WorkerHost, keepStats: boolean): void {
    // Once per worker: a worker that dies while being retired is seen by both paths, and its row must not be
    // freed twice (two later workers would share it).
    if (this.recovered.has(host)) return;
    this.recovered.add(host);
    releaseRow(this.view, host.row);
    this.freeRows.push(host.row);
    if (keepStats && host.lastSnapshot !== null) this.retire(host.lastSnapshot);
  }

  /** A flow whose worker died: the target's handler runs here, on the main thread, with the death as error. */
  orphaned(job: FlowJob, error: FluxError): FlowOutcome | Promise<FlowOutcome> {
    const stats = this.mainStats;
    stats.flowsStarted++;
    stats.flowsError++;
    const source = this.plan.sources[job.source]!;
    stats.nodeErrors[source.target.id]++;
    const outcome: FlowOutcome = { status: 'error', node: source.target.name, code: error.code, message: error.message };
    const h = source.overloadHandler; // the target node's own handler
    if (h === null) return outcome;
    const report = (e: unknown): void => {
      this.core.reportError(
        new FluxFlowError(codes.HANDLER_FAILED, `handler ${h.name} (for node ${h.node}, source ${source.name}) failed: ${messageOf(e)}`, h.node, source.name, e),
      );
    };
    let r: unknown;
    try {
      r = h.fn.call(h.thisArg, error, ...job.outputs);
    } catch (e) {
      report(e);
      return outcome;
    }
    if (!isThenable(r)) return outcome;
    return Promise.resolve(r).then(
      () => outcome,
      (e: unknown) => {
        report(e);
        return outcome;
      },
    );
  }

  /** Refuses a flow: the target's handler runs here with an overload error; the outcome is `overload`. */
  overload(job: Pick<FlowJob, 'source' | 'outputs'>): FlowOutcome | Promise<FlowOutcome> {
    return this.mainInterpreter.overload(job.source, job.outputs);
  }

  /** Every thread's statistics merged: the retired workers', the main thread's and each live worker's. */
  async stats(hosts: readonly WorkerHost[], figures: Record<string, number>): Promise<StatsSnapshot> {
    const live = await Promise.all(hosts.map(async (h) => (await h.requestStats(this.statsTimeoutMs)) ?? h.lastSnapshot));
    const parts: StatsSnapshot[] = [this.mainStats.snapshot(this.core.runtime)];
    if (this.retired !== null) parts.push(this.retired);
    for (const s of live) if (s !== null) parts.push(s);
    const merged = mergeSnapshots(parts, this.core.runtime);
    // Retired workers ran nodes too, but not at the same time as their replacements: count those alive.
    merged.profile.threads = hosts.filter((h) => h.alive).length;
    merged.figures = {
      ...figures,
      workersStarted: this.started,
      workerDeaths: this.deaths,
      workerStartMsMean: this.readyCount > 0 ? this.startMsTotal / this.readyCount : 0,
    };
    return merged;
  }

  private retire(snapshot: StatsSnapshot): void {
    // Flows still running in a last snapshot of a dead worker were counted again as orphans on the main thread.
    const adjusted: StatsSnapshot = {
      ...snapshot,
      flows: { ...snapshot.flows, started: snapshot.flows.started - snapshot.flows.inFlight, inFlight: 0 },
      figures: {},
    };
    this.retired = this.retired === null ? adjusted : mergeSnapshots([this.retired, adjusted], this.core.runtime);
  }
}
