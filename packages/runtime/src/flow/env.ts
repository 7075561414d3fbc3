/**
 * What the flow interpreter needs from the runtime it runs in. The `event` runtime supplies one
 * (locks/event-lock-manager.ts, one process-wide clock, one StatsRecorder); the threaded runtimes supply their
 * own per worker (SharedArrayBuffer locks, a per-worker StatsRecorder whose snapshots are merged).
 */

import type { LockUseIR } from '@flux/compiler/ir.ts';
import type { SessionKey } from '../api.ts';
import type { FluxFlowError } from '../errors.ts';
import type { StatsRecorder } from '../stats/recorder.ts';

/**
 * Reader/writer locks as the interpreter uses them. A lock's identity is (lock index, session key) for a
 * session-scoped lock (`plan.locks[use.lock].scope === 'session'`) and the lock index alone otherwise.
 */
export interface LockManager {
  /**
   * Take every lock in `uses` for a flow of `session` (undefined for flows without a session). `uses` is
   * sorted by lock index (canonical order) and holds no lock this flow already holds: take them in that order.
   * Return null when all were taken at once (the uncontended case: allocate nothing), otherwise a promise that
   * resolves when all are held. A rejection fails the flow at the node that asked, holding none of `uses`.
   */
  acquire(uses: readonly LockUseIR[], session: SessionKey | undefined): Promise<void> | null;
  /** Drop the locks of one earlier successful `acquire` (same list, same session). Never throws. */
  release(uses: readonly LockUseIR[], session: SessionKey | undefined): void;
}

export interface Clock {
  /** Wall time in milliseconds (fractional), monotonic. */
  now(): number;
  /** CPU time used by the calling thread so far, in microseconds. */
  cpu(): number;
}

export interface FlowEnv {
  readonly locks: LockManager;
  readonly stats: StatsRecorder;
  readonly clock: Clock;
  /**
   * Receives a flow that ended in error with no handler on its path (once per flow), and every handler that
   * threw or rejected. Must not throw. The event runtime forwards to `start({ onError })`.
   */
  reportError(error: FluxFlowError): void;
}
