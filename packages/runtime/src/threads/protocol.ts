/**
 * What crosses between the main thread and a worker. Everything is structured-cloned, except the
 * SharedArrayBuffers in WorkerInit, which are shared.
 *
 * Wire format: a postMessage carries one flat array of records, each RECORD_WIDTH entries long: a record kind
 * (a small integer, below) and four fields (unused ones undefined). Flat arrays of numbers clone faster than
 * objects (no property names to write and read back), and a batch costs one array whatever its length.
 *
 * Ordering: messages on one port arrive in the order they were posted, so a flow's io operations always reach
 * the main thread before its `done`. Both sides batch: an Outbox collects the records posted during one turn
 * of the event loop and sends them in one postMessage from a `setImmediate` callback, so the flows that one
 * turn starts (one per socket read, say) cost one crossing and one wake-up of the receiving thread, not one each.
 */

import type { ProgramIR } from '@flux/compiler/ir.ts';
import type { FlowOutcome, RuntimeKind } from '../api.ts';
import type { StatsOptions } from '../stats/recorder.ts';
import type { LockMemory } from '../shared/lock-memory.ts';

/** The worker's workerData. */
export interface WorkerInit {
  readonly runtime: RuntimeKind;
  readonly implementationUrl: string;
  readonly ir: ProgramIR;
  /** Server options, minus what cannot be cloned (functions). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly shared: Readonly<Record<string, SharedArrayBuffer>>;
  readonly lockMemory: LockMemory;
  /** This worker's row in the held table. */
  readonly row: number;
  /** SetupContext.thread. */
  readonly threadIndex: number;
  readonly stats: StatsOptions | undefined;
  /** Turn on Node's compile cache in the worker before loading the runtime (worker-host.ts, bootstrap). */
  readonly compileCache: boolean;
}

/**
 * Session token passed to the interpreter on a worker in place of the session key: it names the session slot
 * and its generation, so the lock manager needs no table. slot * 2^31 + generation stays a safe integer.
 */
export type SessionToken = number;
const GENERATION_SPAN = 2 ** 31;

export function sessionToken(slot: number, generation: number): SessionToken {
  return slot * GENERATION_SPAN + generation;
}

export function tokenSlot(token: SessionToken): number {
  return Math.floor(token / GENERATION_SPAN);
}

export function tokenGeneration(token: SessionToken): number {
  return token % GENERATION_SPAN;
}

/** Entries per record: the kind and four fields. */
export const RECORD_WIDTH = 5;

// Main thread -> worker. Fields after the kind, in order:
/** Run one flow: id, source index, session token (-1: no session locks to take), the source's outputs. */
export const RUN = 1;
/** Send a statistics snapshot: request id. */
export const STATS = 2;
/**
 * Profile sample (1 flow in the stats sample rate; the RUN it precedes is timed): when it was posted, and when
 * its flow was queued on the main thread (-1: not queued), both stats/clock.ts `epochNow()`.
 */
export const STAMP = 3;

// Worker -> main thread.
/** Setup is done: the worker's threadId. */
export const READY = 11;
/** Import or setup failed: message, stack (or undefined). */
export const START_FAILED = 12;
/** A flow ended with `{ status: 'ok', outputs }`: id, outputs (the common outcome, sent without its wrapper). */
export const DONE_OK = 13;
/** A flow ended with any other outcome: id, outcome. */
export const DONE = 14;
/** An `io` call: op (IO_*), connection id, data (or undefined). */
export const IO = 15;
/** A statistics snapshot: request id, snapshot. */
export const SNAPSHOT = 16;
/** A FluxFlowError raised on the worker (unhandled flow error, failing handler), to report on main: a Report. */
export const REPORT = 17;

export const IO_WRITE = 0;
export const IO_END = 1;
export const IO_DESTROY = 2;
export const IO_CORK = 3;
export const IO_UNCORK = 4;
export type IoOp = typeof IO_WRITE | typeof IO_END | typeof IO_DESTROY | typeof IO_CORK | typeof IO_UNCORK;

export interface Report {
  readonly code: string;
  readonly message: string;
  readonly node: string;
  readonly source: string;
  readonly cause: { readonly message: string; readonly stack: string | undefined } | null;
}

/** Outcome of a DONE_OK or DONE record. */
export function outcomeOf(kind: number, field: unknown): FlowOutcome {
  return kind === DONE_OK ? { status: 'ok', outputs: field as unknown[] } : (field as FlowOutcome);
}

/** A MessagePort or a Worker: anything with postMessage. */
interface Port {
  postMessage(value: unknown): void;
}

/** One record, as `repair` sees it and returns it. */
export type WireRecord = [kind: number, a: unknown, b: unknown, c: unknown, d: unknown];

/**
 * Collects the records posted during one turn of the event loop and sends them as one flat array. A record that
 * cannot be cloned (a function among a flow's outputs, say) must not take its batch down: the batch is resent
 * record by record and `repair` gives a replacement for the culprit (or null to drop it).
 */
export class Outbox {
  private readonly port: Port;
  private readonly repair: (record: WireRecord, error: unknown) => WireRecord | null;
  private pending: unknown[] = [];
  private scheduled = false;
  private readonly flushBound = (): void => this.flush();

  constructor(port: Port, repair: (record: WireRecord, error: unknown) => WireRecord | null = () => null) {
    this.port = port;
    this.repair = repair;
  }

  post(kind: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    this.pending.push(kind, a, b, c, d);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushBound);
    }
  }

  /** Sends what is pending now (the scheduled flush then finds nothing). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      this.port.postMessage(batch);
    } catch {
      for (let i = 0; i < batch.length; i += RECORD_WIDTH) this.postOne(batch.slice(i, i + RECORD_WIDTH) as WireRecord);
    }
  }

  private postOne(record: WireRecord): void {
    try {
      this.port.postMessage(record);
    } catch (error) {
      const replacement = this.repair(record, error);
      if (replacement !== null) this.port.postMessage(replacement);
    }
  }
}

/** The receiving side of an Outbox: what handles each record. */
export type RecordHandler = (kind: number, a: unknown, b: unknown, c: unknown, d: unknown) => void;

/** Calls `handle` for each record of a batch an Outbox sent. */
export function decode(batch: readonly unknown[], handle: RecordHandler): void {
  for (let i = 0; i < batch.length; i += RECORD_WIDTH) handle(batch[i] as number, batch[i + 1], batch[i + 2], batch[i + 3], batch[i + 4]);
}
