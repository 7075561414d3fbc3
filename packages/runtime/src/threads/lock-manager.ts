/**
 * The LockManager the interpreter uses on a worker: the same contract as the event runtime's (flow/env.ts),
 * over the shared reader/writer lock table (shared/rwlock.ts), so a lock is one lock across every thread.
 *
 * - Canonical order: `uses` arrive sorted by lock index (rank) and are taken in that order, waiting at the first
 *   busy one while holding the earlier ones, exactly as the event runtime does.
 * - Reentrancy per flow is settled by the plan: an occurrence never asks for a lock its flow already holds.
 * - Session-scope locks: the "session" the interpreter passes is a session token (protocol.ts) naming the
 *   session's slot in shared memory, checked against the slot's generation before anything is taken.
 */

import type { LockIR, LockUseIR } from '@flux/compiler/ir.ts';
import type { SessionKey } from '../api.ts';
import type { LockManager } from '../flow/env.ts';
import type { LockMemoryView } from '../shared/lock-memory.ts';
import { RwLockTable } from '../shared/rwlock.ts';
import { SessionTable } from '../shared/session-table.ts';
import { Errors } from './errors.ts';
import { tokenGeneration, tokenSlot } from './protocol.ts';

/** Per lock index: its slot among program locks, or among session locks (`scope` tells which). */
export interface LockIndexMap {
  readonly scope: readonly ('program' | 'session')[];
  readonly within: readonly number[];
  readonly programLocks: number;
  readonly sessionLocks: number;
}

export function mapLocks(locks: readonly LockIR[]): LockIndexMap {
  let program = 0;
  let session = 0;
  const within = locks.map((l) => (l.scope === 'program' ? program++ : session++));
  return { scope: locks.map((l) => l.scope), within, programLocks: program, sessionLocks: session };
}

export class SharedLockManager implements LockManager {
  readonly table: RwLockTable;
  private readonly view: LockMemoryView;
  private readonly map: LockIndexMap;

  constructor(view: LockMemoryView, row: number, map: LockIndexMap) {
    this.view = view;
    this.table = new RwLockTable(view, row);
    this.map = map;
  }

  acquire(uses: readonly LockUseIR[], session: SessionKey | undefined): Promise<void> | null {
    const table = this.table;
    for (let i = 0; i < uses.length; i++) {
      const use = uses[i]!;
      const slot = this.slotOf(use.lock, session, true);
      if (slot < 0) {
        this.release(uses.slice(0, i), session);
        return Promise.reject(Errors.sessionGone(typeof session === 'number' ? tokenSlot(session) : -1));
      }
      if (!table.tryAcquire(slot, use.mode)) return this.acquireFrom(uses, i, session);
    }
    return null;
  }

  release(uses: readonly LockUseIR[], session: SessionKey | undefined): void {
    for (let i = 0; i < uses.length; i++) {
      const use = uses[i]!;
      this.table.release(this.slotOf(use.lock, session, false), use.mode);
    }
  }

  /** The contended path: wait for lock `from`, then take the rest in order. */
  private async acquireFrom(uses: readonly LockUseIR[], from: number, session: SessionKey | undefined): Promise<void> {
    for (let i = from; i < uses.length; i++) {
      const use = uses[i]!;
      const wait = this.table.acquire(this.slotOf(use.lock, session, false), use.mode);
      if (wait !== undefined) await wait;
    }
  }

  /**
   * The table slot of a lock for this flow. With `checkLive`, -1 when the flow's session slot is no longer live
   * (checked once per acquisition, before anything is taken).
   */
  private slotOf(lock: number, session: SessionKey | undefined, checkLive: boolean): number {
    const within = this.map.within[lock]!;
    if (this.map.scope[lock] === 'program') return this.view.programSlot(within);
    // buildPlan rejects programs where a flow without a session reaches a session lock.
    const token = session as number;
    const slot = tokenSlot(token);
    if (checkLive && !SessionTable.isLive(this.view, { slot, generation: tokenGeneration(token) })) return -1;
    return this.view.sessionSlot(within, slot);
  }
}
