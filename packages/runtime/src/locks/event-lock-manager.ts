/**
 * The `event` runtime's LockManager: one RWLock per program-scoped lock, and per session a lazily created set
 * of RWLocks for the session-scoped ones. A multi-lock acquisition takes locks in the given (canonical) order,
 * waiting at the first busy one while holding the earlier ones; that is deadlock-free because every flow takes
 * locks in rank order and the compiler has elevated whatever an atomic abstract node would otherwise take out
 * of order.
 */

import type { LockIR, LockUseIR } from '@flux/compiler/ir.ts';
import type { SessionKey } from '../api.ts';
import type { LockManager } from '../flow/env.ts';
import { MODE_READ, MODE_WRITE, RWLock } from './rwlock.ts';

const modeOf = (use: LockUseIR): number => (use.mode === 'write' ? MODE_WRITE : MODE_READ);

interface SessionState {
  readonly locks: (RWLock | undefined)[];
  /** Flows of this session running now. */
  flows: number;
  /** `endSession` was called: drop the state when `flows` reaches 0. */
  ended: boolean;
}

export class EventLockManager implements LockManager {
  private readonly scopes: readonly ('program' | 'session')[];
  private readonly program: (RWLock | undefined)[];
  private readonly sessions = new Map<SessionKey, SessionState>();

  constructor(locks: readonly LockIR[]) {
    this.scopes = locks.map((l) => l.scope);
    this.program = locks.map((l) => (l.scope === 'program' ? new RWLock() : undefined));
  }

  acquire(uses: readonly LockUseIR[], session: SessionKey | undefined): Promise<void> | null {
    for (let i = 0; i < uses.length; i++) {
      const use = uses[i]!;
      if (!this.lockFor(use.lock, session).tryAcquire(modeOf(use))) return this.acquireFrom(uses, i, session);
    }
    return null;
  }

  release(uses: readonly LockUseIR[], session: SessionKey | undefined): void {
    for (let i = 0; i < uses.length; i++) {
      const use = uses[i]!;
      this.lockFor(use.lock, session).release(modeOf(use));
    }
  }

  /** The contended path: wait for lock `from`, then take the rest in order, waiting again where needed. */
  private acquireFrom(uses: readonly LockUseIR[], from: number, session: SessionKey | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const takeFrom = (start: number): void => {
        for (let i = start; i < uses.length; i++) {
          const use = uses[i]!;
          const lock = this.lockFor(use.lock, session);
          if (lock.tryAcquire(modeOf(use))) continue;
          lock.enqueue(modeOf(use), () => takeFrom(i + 1));
          return;
        }
        resolve();
      };
      takeFrom(from);
    });
  }

  private lockFor(index: number, session: SessionKey | undefined): RWLock {
    if (this.scopes[index] === 'program') return this.program[index]!;
    const state = this.sessionState(session);
    return (state.locks[index] ??= new RWLock());
  }

  private sessionState(session: SessionKey | undefined): SessionState {
    // A flow without a session never reaches a session lock (buildPlan rejects such programs); `undefined`
    // still gets a state of its own rather than a crash.
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

  /** A flow of `session` ended (all its locks are released by now). */
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

  /** Sessions with lock state (for stats and tests). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Locks held or waited for right now, by name: for tests asserting that nothing leaks. */
  busyLocks(names: readonly string[]): string[] {
    const busy: string[] = [];
    this.program.forEach((l, i) => {
      if (l !== undefined && !l.idle) busy.push(names[i] ?? String(i));
    });
    for (const [key, state] of this.sessions) {
      state.locks.forEach((l, i) => {
        if (l !== undefined && !l.idle) busy.push(`${names[i] ?? String(i)}(${String(key)})`);
      });
    }
    return busy;
  }
}
