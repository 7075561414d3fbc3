/**
 * The main thread's handle on one worker: starts it, sends it flows, routes what it sends back (flow outcomes,
 * io calls, error reports, stats snapshots), and tells its owner (pool.ts, thread.ts) when it dies.
 */

import { Worker } from 'node:worker_threads';
import type { FlowOutcome } from '../api.ts';
import { FluxFlowError, type FluxError } from '../errors.ts';
import { registry } from '../io/index.ts';
import { epochNow } from '../stats/clock.ts';
import { timingMaskOf } from '../stats/recorder.ts';
import type { StatsSnapshot } from '../stats/snapshot.ts';
import { Errors } from './errors.ts';
import { applyIo } from './io-forward.ts';
import {
  decode,
  DONE,
  DONE_OK,
  IO,
  outcomeOf,
  Outbox,
  READY,
  REPORT,
  RUN,
  SNAPSHOT,
  STAMP,
  START_FAILED,
  STATS,
  type IoOp,
  type RecordHandler,
  type Report,
  type SessionToken,
  type WorkerInit,
} from './protocol.ts';

const ENTRY = new URL('./worker-entry.ts', import.meta.url).href;

/**
 * The worker's first code, plain JavaScript so that loading it strips no types. It turns on Node's on-disk
 * compile cache before importing the TypeScript entry: with the cache, a worker reuses the type-stripped and
 * compiled modules instead of loading the type stripper into its fresh isolate and redoing the work, which
 * cuts a worker's start by about half (README, "Threads: costs"). NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
function bootstrap(compileCache: boolean): string {
  return workerBootstrap(ENTRY, compileCache);
}

/** The bootstrap above for any worker entry module (src/workers/ uses its own). */
export function workerBootstrap(entry: string, compileCache: boolean): string {
  const enable = compileCache ? "require('node:module').enableCompileCache?.();" : '';
  return `${enable}import(${JSON.stringify(entry)});`;
}

let capturedResolve: ((outcome: FlowOutcome) => void) | undefined;
const captureResolve = (resolve: (outcome: FlowOutcome) => void): void => {
  capturedResolve = resolve;
};

/**
 * A promise for a flow's outcome and the function that settles it, made with one shared executor (no closure
 * per flow): `const done = outcomePromise(); const finish = takeResolve();`.
 */
export function outcomePromise(): Promise<FlowOutcome> {
  return new Promise<FlowOutcome>(captureResolve);
}

export function takeResolve(): (outcome: FlowOutcome) => void {
  const resolve = capturedResolve!;
  capturedResolve = undefined;
  return resolve;
}

/** One flow on its way to (or running on) a worker. */
export interface FlowJob {
  readonly source: number;
  readonly outputs: readonly unknown[];
  /** Session token for the lock manager, or -1. */
  readonly session: SessionToken;
  /** Name of the source's target node (outcomes that never reached node code name it). */
  readonly target: string;
  /** Settles the flow (called exactly once, by the owner). */
  readonly finish: (outcome: FlowOutcome) => void;
  /** When it entered the owner's queue (`epochNow()`), for the profile's queue wait; -1 or absent: not queued. */
  queuedAt?: number;
}

export interface WorkerHostEvents {
  /** A flow this worker ran has ended (its outcome arrived). */
  flowDone(host: WorkerHost, job: FlowJob, outcome: FlowOutcome): void;
  /** The worker exited on its own (not by `terminate`): `orphans` are the flows it was running. */
  died(host: WorkerHost, detail: string, orphans: FlowJob[]): void;
  reportError(error: FluxError): void;
}

export type HostState = 'starting' | 'ready' | 'stopping' | 'gone';

export class WorkerHost {
  /** SetupContext.thread of this worker. */
  readonly index: number;
  /** Its row in the held table. */
  readonly row: number;
  /** worker_threads.threadId inside the worker (known once ready). */
  threadId = -1;
  state: HostState = 'starting';
  /** Resolves when setup finished on the worker; rejects with WORKER_START_FAILED if it did not. */
  readonly ready: Promise<void>;
  /** Milliseconds from `new Worker` to `ready`. */
  startMs = 0;
  /** The last stats snapshot this worker sent. */
  lastSnapshot: StatsSnapshot | null = null;

  private readonly worker: Worker;
  private readonly outbox: Outbox;
  private readonly events: WorkerHostEvents;
  /** Flows sent to the worker and not yet done, by id; an id is a slot, reused once its flow is done. */
  private readonly running: (FlowJob | undefined)[] = [];
  private readonly freeIds: number[] = [];
  private runningCount = 0;
  private readonly statsWaiters = new Map<number, (snapshot: StatsSnapshot | null) => void>();
  private nextStatsId = 1;
  private uncaught: unknown = undefined;
  private startFailure: string | null = null;
  /** Flows sent; 1 in `stampMask + 1` is preceded by a STAMP (profile: queue wait, crossing). -1: none. */
  private sent = 0;
  private readonly stampMask: number;

  constructor(init: WorkerInit, events: WorkerHostEvents) {
    this.index = init.threadIndex;
    this.row = init.row;
    this.events = events;
    this.stampMask = timingMaskOf(init.stats);
    const t0 = performance.now();
    this.worker = new Worker(bootstrap(init.compileCache), { eval: true, workerData: init, name: `flux-${init.runtime}-${init.threadIndex}` });
    this.outbox = new Outbox(this.worker);
    let readyResolve!: () => void;
    let readyReject!: (error: unknown) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.ready.catch(() => {}); // owners that do not wait for it must not see an unhandled rejection

    const onRecord: RecordHandler = (kind, a, b, c) => {
      switch (kind) {
        case DONE_OK:
        case DONE:
          this.onDone(a as number, outcomeOf(kind, b));
          return;
        case IO:
          applyIo(registry, a as IoOp, b as number, c as string | Uint8Array | undefined);
          return;
        case READY:
          this.threadId = a as number;
          this.startMs = performance.now() - t0;
          if (this.state === 'starting') this.state = 'ready';
          readyResolve();
          return;
        case START_FAILED:
          this.startFailure = a as string;
          readyReject(Errors.workerStartFailed(this.index, a as string, Object.assign(new Error(a as string), { stack: b as string | undefined })));
          void this.worker.terminate();
          return;
        case SNAPSHOT:
          this.lastSnapshot = b as StatsSnapshot;
          this.statsWaiters.get(a as number)?.(b as StatsSnapshot);
          this.statsWaiters.delete(a as number);
          return;
        case REPORT: {
          const report = a as Report;
          const cause = report.cause === null ? undefined : Object.assign(new Error(report.cause.message), { stack: report.cause.stack });
          this.events.reportError(new FluxFlowError(report.code, report.message, report.node, report.source, cause));
          return;
        }
      }
    };
    this.worker.on('message', (batch: unknown[]) => decode(batch, onRecord));
    this.worker.on('error', (error) => {
      this.uncaught = error;
    });
    this.worker.on('exit', (code) => {
      const wasStopping = this.state === 'stopping';
      this.state = 'gone';
      for (const resolve of this.statsWaiters.values()) resolve(null);
      this.statsWaiters.clear();
      if (this.startFailure === null) {
        readyReject(Errors.workerStartFailed(this.index, `exited with code ${code} during setup`, this.uncaught));
      }
      if (wasStopping) return;
      this.events.died(this, this.describeDeath(code), this.takeRunning());
    });
  }

  /** Flows running on this worker now. */
  get load(): number {
    return this.runningCount;
  }

  get alive(): boolean {
    return this.state === 'starting' || this.state === 'ready';
  }

  run(job: FlowJob): void {
    let id = this.freeIds.pop();
    if (id === undefined) id = this.running.push(job) - 1;
    else this.running[id] = job;
    this.runningCount++;
    if (this.stampMask >= 0 && (this.sent++ & this.stampMask) === 0) this.outbox.post(STAMP, epochNow(), job.queuedAt ?? -1);
    this.outbox.post(RUN, id, job.source, job.session, job.outputs);
  }

  /** This worker's stats, or null if it is gone or does not answer within `timeoutMs`. */
  requestStats(timeoutMs: number): Promise<StatsSnapshot | null> {
    if (this.state !== 'ready') return Promise.resolve(null);
    const id = this.nextStatsId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.statsWaiters.delete(id);
        resolve(null);
      }, timeoutMs);
      this.statsWaiters.set(id, (snapshot) => {
        clearTimeout(timer);
        resolve(snapshot);
      });
      this.outbox.post(STATS, id);
    });
  }

  /** Stops the worker on purpose (its exit is not a death). Returns the flows it was still running. */
  async terminate(): Promise<FlowJob[]> {
    if (this.state === 'gone') return [];
    this.state = 'stopping';
    const left = this.takeRunning();
    await this.worker.terminate();
    return left;
  }

  /** Removes and returns every flow still running. */
  private takeRunning(): FlowJob[] {
    const jobs = this.running.filter((job): job is FlowJob => job !== undefined);
    this.running.length = 0;
    this.freeIds.length = 0;
    this.runningCount = 0;
    return jobs;
  }

  private onDone(id: number, outcome: FlowOutcome): void {
    const job = this.running[id];
    if (job === undefined) return;
    this.running[id] = undefined;
    this.freeIds.push(id);
    this.runningCount--;
    const settled = outcome.status === 'error' && outcome.node === '' ? { ...outcome, node: job.target } : outcome;
    this.events.flowDone(this, job, settled);
  }

  private describeDeath(code: number): string {
    if (this.uncaught !== undefined) {
      const text = this.uncaught instanceof Error ? this.uncaught.message : String(this.uncaught);
      return `uncaught error: ${text}`;
    }
    return `exited with code ${code}`;
  }
}
