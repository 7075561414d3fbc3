/**
 * The LockManager of a thread under `workers`:
 *
 * - Program-scope locks live in shared memory (shared/rwlock.ts, one held row per thread), because every worker
 *   runs flows at the same time: synchronous-only elision is not sound for them here (a synchronous node on one
 *   worker runs alongside the same node on another).
 * - Session-scope locks are in-process RWLocks of this thread: a session's flows all run on the thread whose
 *   source emitted them (its connection's), so nothing else could take them. For the same reason the plan may
 *   elide session locks whose users are all synchronous (`elideSyncLocks: 'session'`).
 *
 * Locks of both kinds are taken in canonical order, waiting at the first busy one while holding the earlier
 * ones, as every other runtime does.
 */

import type { LockIR, LockUseIR } from '@flux/compiler/ir.ts';
import type { SessionKey } from '../api.ts';
import type { LockManager } from '../flow/env.ts';
import { MODE_READ, MODE_WRITE, RWLock } from '../locks/rwlock.ts';
import type { LockMemoryView } from '../shared/lock-memory.ts';
import { RwLockTable } from '../shared/rwlock.ts';

interface SessionState {
  readonly locks: (RWLock | undefined)[];
  flows: number;
  ended: boolean;
}

export class WorkersLockManager implements LockManager {
  readonly table: RwLockTable;
  /** Per lock index: its slot in the shared table (program locks), or -1 (session locks). */
  private readonly slots: readonly number[];
  private readonly sessions = new Map<SessionKey, SessionState>();

  constructor(view: LockMemoryView, row: number, locks: readonly LockIR[]) {
    this.table = new RwLockTable(view, row);
    let program = 0;
    this.slots = locks.map((l) => (l.scope === 'program' ? view.programSlot(program++) : -1));
  }

  acquire(uses: readonly LockUseIR[], session: SessionKey | undefined): Promise<void> | null {
    for (let i = 0; i < uses.length; i++) {
      const use = uses[i]!;
      const slot = this.slots[use.lock]!;
      const taken = slot >= 0 ? this.table.tryAcquire(slot, use.mode) : this.local(use.lock, session).tryAcquire(modeOf(use));
      if (!taken) return this.acquireFrom(uses, i, session);
    }
    return null;
  }

  release(uses: readonly LockUseIR[], session: SessionKey | undefined): void {
    for (let i = 0; i < uses.length; i++) {
      const use = uses[i]!;
      const slot = this.slots[use.lock]!;
      if (slot >= 0) this.table.release(slot, use.mode);
      else this.local(use.lock, session).release(modeOf(use));
    }
  }

  /** The contended path: wait for lock `from`, then take the rest in order, waiting again where needed. */
  private async acquireFrom(uses: readonly LockUseIR[], from: number, session: SessionKey | undefined): Promise<void> {
    for (let i = from; i < uses.length; i++) {
      const use = uses[i]!;
      const slot = this.slots[use.lock]!;
      if (slot >= 0) {
        const wait = this.table.acquire(slot, use.mode);
        if (wait !== undefined) await wait;
        continue;
      }
      const lock = this.local(use.lock, session);
      if (!lock.tryAcquire(modeOf(use))) await new Promise<void>((granted) => lock.enqueue(modeOf(use), granted));
    }
  }

  private local(index: number, session: SessionKey | undefined): RWLock {
    const state = this.sessionState(session);
    return (state.locks[index] ??= new RWLock());
  }

  private sessionState(session: SessionKey | undefined): SessionState {
    // buildPlan rejects programs where a flow without a session reaches a session lock.
    const key = session ?? '\u0000no-session';
    let state = this.sessions.get(key);
    if (state === undefined) {
      state = { locks: [], flows: 0, ended: false };
      this.sessions.set(key, state);
    }
    return state;
  }

  /** A flow of `session` starts: its session lock state must outlive it. */
  flowStarted(session: SessionKey): void {
    this.sessionState(session).flows++;
  }

  flowEnded(session: SessionKey): void {
    const state = this.sessions.get(session);
    if (state === undefined) return;
    state.flows--;
    if (state.flows <= 0 && state.ended) this.sessions.delete(session);
  }

  /** Ends a session: its lock state goes away now if no flow of it runs, else when the last one ends. */
  endSession(session: SessionKey): void {
    const state = this.sessions.get(session);
    if (state === undefined) return;
    if (state.flows <= 0) this.sessions.delete(session);
    else state.ended = true;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }
}

function modeOf(use: LockUseIR): number {
  return use.mode === 'write' ? MODE_WRITE : MODE_READ;
}
