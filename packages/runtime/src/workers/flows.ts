/**
 * Runs flows on this thread under `workers`, as the `event` runtime does on its one thread: an Interpreter over
 * this thread's lock manager and statistics, in-flight counting (and its limit), session lock state. The main
 * thread has one for its 'once' sources, each worker one for its copies of the 'every-thread' sources.
 */

import type { FlowOutcome, SessionKey } from '../api.ts';
import type { FluxFlowError } from '../errors.ts';
import { Interpreter } from '../flow/interpreter.ts';
import type { Plan } from '../plan/plan.ts';
import { systemClock } from '../stats/clock.ts';
import type { StatsRecorder } from '../stats/recorder.ts';
import type { WorkersLockManager } from './lock-manager.ts';

export class LocalFlows {
  readonly interpreter: Interpreter;
  readonly locks: WorkersLockManager;
  private readonly stats: StatsRecorder;
  inFlight = 0;
  private readonly queueLimit: number;
  private readonly trackSessions: boolean;
  private idle: (() => void)[] = [];

  constructor(plan: Plan, locks: WorkersLockManager, stats: StatsRecorder, reportError: (error: FluxFlowError) => void, queueLimit: number) {
    this.locks = locks;
    this.stats = stats;
    this.interpreter = new Interpreter(plan, { locks, stats, clock: systemClock, reportError });
    this.queueLimit = queueLimit;
    this.trackSessions = plan.usesSessionLocks;
  }

  dispatch(source: number, outputs: readonly unknown[], session: SessionKey | undefined): FlowOutcome | Promise<FlowOutcome> {
    this.stats.emitted(source, systemClock); // the profile's emissions and inter-arrival gaps
    if (this.inFlight >= this.queueLimit) return this.interpreter.overload(source, outputs);
    this.inFlight++;
    if (this.trackSessions && session !== undefined) this.locks.flowStarted(session);
    const result = this.interpreter.run(source, outputs, session);
    if (result instanceof Promise) return result.then((outcome) => this.ended(outcome, session));
    return this.ended(result, session);
  }

  endSession(key: SessionKey): void {
    this.locks.endSession(key);
  }

  /** Resolves once no flow runs on this thread. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private ended(outcome: FlowOutcome, session: SessionKey | undefined): FlowOutcome {
    this.inFlight--;
    if (this.trackSessions && session !== undefined) this.locks.flowEnded(session);
    if (this.inFlight === 0 && this.idle.length > 0) {
      const waiters = this.idle;
      this.idle = [];
      for (const wake of waiters) wake();
    }
    return outcome;
  }
}
