/**
 * What crosses between the main thread and a worker. Everything is structured-cloned, except the
 * SharedArrayBuffers in WorkerInit, which are shared.
 *
 * Ordering: messages on one port arrive in the order they were posted, so a flow's io operations always reach
 * the main thread before its `done`. Both sides batch: an Outbox collects messages posted in one turn of the
 * event loop and sends them as one array on the next microtask checkpoint (one postMessage, one clone).
 */

import type { ProgramIR } from '@flux/compiler/ir.ts';
import type { FlowOutcome, RuntimeKind } from '../api.ts';
import type { StatsOptions } from '../stats/recorder.ts';
import type { StatsSnapshot } from '../stats/snapshot.ts';
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

export type ToWorker =
  /** Run one flow of `source`. `session`: the session token, or -1 (no session locks to take). */
  | { readonly t: 'run'; readonly id: number; readonly source: number; readonly outputs: readonly unknown[]; readonly session: SessionToken }
  | { readonly t: 'stats'; readonly id: number };

export type IoOp = 'write' | 'end' | 'destroy' | 'cork' | 'uncork';

export type FromWorker =
  | { readonly t: 'ready'; readonly threadId: number }
  | { readonly t: 'startFailed'; readonly message: string; readonly stack: string | undefined }
  | { readonly t: 'done'; readonly id: number; readonly outcome: FlowOutcome }
  | { readonly t: 'io'; readonly op: IoOp; readonly conn: number; readonly data: string | Uint8Array | undefined }
  | { readonly t: 'stats'; readonly id: number; readonly snapshot: StatsSnapshot }
  /** A FluxFlowError raised on the worker (unhandled flow error, failing handler), to be reported on main. */
  | {
      readonly t: 'report';
      readonly code: string;
      readonly message: string;
      readonly node: string;
      readonly source: string;
      readonly cause: { readonly message: string; readonly stack: string | undefined } | null;
    };

/** A MessagePort or a Worker: anything with postMessage. */
interface Port {
  postMessage(value: unknown): void;
}

/**
 * Collects messages posted during one turn and sends them as one array (or alone, when single). A message that
 * cannot be cloned (a function among a flow's outputs, say) must not take its batch down: the batch is resent
 * one by one and `repair` gives a replacement for the culprit (or null to drop it).
 */
export class Outbox<M> {
  private readonly port: Port;
  private readonly repair: (message: M, error: unknown) => M | null;
  private pending: M[] = [];
  private scheduled = false;
  private readonly flushBound = (): void => this.flush();

  constructor(port: Port, repair: (message: M, error: unknown) => M | null = () => null) {
    this.port = port;
    this.repair = repair;
  }

  post(message: M): void {
    this.pending.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flushBound);
    }
  }

  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      this.port.postMessage(batch.length === 1 ? batch[0] : batch);
    } catch {
      for (const message of batch) this.postOne(message);
    }
  }

  private postOne(message: M): void {
    try {
      this.port.postMessage(message);
    } catch (error) {
      const replacement = this.repair(message, error);
      if (replacement !== null) this.port.postMessage(replacement);
    }
  }
}

/** Calls `handle` for each message of what an Outbox sent (a message or an array of them). */
export function unbatch<M>(data: M | M[], handle: (message: M) => void): void {
  if (Array.isArray(data)) for (const m of data) handle(m);
  else handle(data);
}
