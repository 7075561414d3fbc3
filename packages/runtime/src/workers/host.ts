/**
 * The main thread's handle on one worker of the `workers` runtime: starts it, routes what it sends (listen
 * requests, io for other threads' connections, reports, statistics), stops it, and tells the runtime when it
 * dies. No flow ever crosses it.
 */

import { Worker } from 'node:worker_threads';
import { FluxFlowError, type FluxError } from '../errors.ts';
import type { StatsSnapshot } from '../stats/snapshot.ts';
import { Errors } from '../threads/errors.ts';
import type { IoOp } from '../threads/protocol.ts';
import { workerBootstrap } from '../threads/worker-host.ts';
import {
  decode,
  IO,
  LISTEN,
  LISTEN_FAILED,
  LISTEN_REPLY,
  LISTENING,
  Outbox,
  READY,
  REPORT,
  SNAPSHOT,
  START_FAILED,
  STATS,
  STOP,
  STOPPED,
  type ListenRequest,
  type RecordHandler,
  type Report,
  type WorkersInit,
} from './protocol.ts';

const ENTRY = new URL('./entry.ts', import.meta.url).href;

export interface WorkersHostEvents {
  /** The worker exited on its own (not by `terminate`). */
  died(host: WorkersHost, detail: string): void;
  /** io from the worker for a connection it does not own. */
  io(op: IoOp, id: number, data: string | Uint8Array | undefined): void;
  listen(host: WorkersHost, request: number, what: ListenRequest): void;
  listening(host: WorkersHost, request: number, port: number): void;
  listenFailed(host: WorkersHost, request: number, message: string): void;
  reportError(error: FluxError): void;
}

export type WorkersHostState = 'starting' | 'ready' | 'stopping' | 'gone';

export class WorkersHost {
  /** The worker's index: SetupContext.thread, its held row and its connection id slot. */
  readonly index: number;
  threadId = -1;
  state: WorkersHostState = 'starting';
  /** Resolves once setup ran and the sources started on the worker; rejects with WORKER_START_FAILED. */
  readonly ready: Promise<void>;
  startMs = 0;
  lastSnapshot: StatsSnapshot | null = null;

  private readonly worker: Worker;
  private readonly outbox: Outbox;
  private readonly statsWaiters = new Map<number, (snapshot: StatsSnapshot | null) => void>();
  private nextStatsId = 1;
  private uncaught: unknown = undefined;
  private startFailure: string | null = null;
  private stopped: (() => void) | null = null;

  constructor(init: WorkersInit, events: WorkersHostEvents) {
    this.index = init.threadIndex;
    const t0 = performance.now();
    this.worker = new Worker(workerBootstrap(ENTRY, init.compileCache), { eval: true, workerData: init, name: `flux-workers-${init.threadIndex}` });
    this.outbox = new Outbox(this.worker);
    let readyResolve!: () => void;
    let readyReject!: (error: unknown) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.ready.catch(() => {});

    const onRecord: RecordHandler = (kind, a, b, c) => {
      switch (kind) {
        case IO:
          events.io(a as IoOp, b as number, c as string | Uint8Array | undefined);
          return;
        case LISTEN:
          events.listen(this, a as number, b as ListenRequest);
          return;
        case LISTENING:
          events.listening(this, a as number, b as number);
          return;
        case LISTEN_FAILED:
          events.listenFailed(this, a as number, b as string);
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
          events.reportError(new FluxFlowError(report.code, report.message, report.node, report.source, cause));
          return;
        }
        case STOPPED:
          this.stopped?.();
          return;
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
      this.stopped?.();
      if (this.startFailure === null) readyReject(Errors.workerStartFailed(this.index, `exited with code ${code} during setup`, this.uncaught));
      if (!wasStopping) events.died(this, this.describeDeath(code));
    });
  }

  get alive(): boolean {
    return this.state === 'starting' || this.state === 'ready';
  }

  post(kind: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    if (this.alive) this.outbox.post(kind, a, b, c, d);
  }

  /** Answers a listen request: bind `port` with reusePort, or fail with `error`. */
  answerListen(request: number, port: number, error?: string): void {
    this.post(LISTEN_REPLY, request, port, error);
  }

  /** This worker's statistics, or null if it is gone or does not answer within `timeoutMs`. */
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

  /** Aborts the worker's sources; resolves once its flows ended (or its deadline passed) or it is gone. */
  stop(deadlineMs: number): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      this.stopped = resolve;
      this.outbox.post(STOP, deadlineMs);
    });
  }

  /** Ends the worker on purpose (its exit is not a death). */
  async terminate(): Promise<void> {
    if (this.state === 'gone') return;
    this.state = 'stopping';
    await this.worker.terminate();
  }

  private describeDeath(code: number): string {
    if (this.uncaught !== undefined) return `uncaught error: ${this.uncaught instanceof Error ? this.uncaught.message : String(this.uncaught)}`;
    return `exited with code ${code}`;
  }
}
