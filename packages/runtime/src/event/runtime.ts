/**
 * The `event` runtime: every flow runs on the main thread's event loop through one Interpreter. Synchronous
 * nodes run back to back without yielding; a node that returns a promise lets other flows run meanwhile.
 * Locks are in-process RWLocks, with synchronous-only locks elided (see README "Lock elision").
 */

import type { FlowOutcome, SessionKey } from '../api.ts';
import type { RuntimeCore, RuntimeInstance, RuntimeOptions } from '../core/core.ts';
import { Interpreter } from '../flow/interpreter.ts';
import { EventLockManager } from '../locks/event-lock-manager.ts';
import { systemClock } from '../stats/clock.ts';
import { StatsRecorder } from '../stats/recorder.ts';
import { kLocks } from '../symbols.ts';

export interface EventRuntimeInstance extends RuntimeInstance {
  readonly [kLocks]: EventLockManager;
}

export async function startEvent(core: RuntimeCore, options: RuntimeOptions): Promise<EventRuntimeInstance> {
  const plan = core.plan.options.elideSyncLocks === true ? core.plan : (await import('../plan/build.ts')).buildPlan(core.ir, core.impl, { elideSyncLocks: true });
  const locks = new EventLockManager(plan.locks);
  const stats = new StatsRecorder(plan, options.stats);
  const interpreter = new Interpreter(plan, { locks, stats, clock: systemClock, reportError: core.reportError });
  const queueLimit = options.queueLimit ?? Number.POSITIVE_INFINITY;
  const trackSessions = plan.usesSessionLocks;
  let inFlight = 0;

  const ended = (outcome: FlowOutcome, session: SessionKey | undefined): FlowOutcome => {
    inFlight--;
    if (trackSessions && session !== undefined) locks.flowEnded(session);
    return outcome;
  };

  return {
    [kLocks]: locks,
    dispatch(source, outputs, session) {
      stats.emitted(source, systemClock); // the profile's emissions and inter-arrival gaps
      if (inFlight >= queueLimit) return interpreter.overload(source, outputs);
      inFlight++;
      if (trackSessions && session !== undefined) locks.flowStarted(session);
      const result = interpreter.run(source, outputs, session);
      if (result instanceof Promise) return result.then((outcome) => ended(outcome, session));
      return ended(result, session);
    },
    endSession(key) {
      locks.endSession(key);
    },
    async stats() {
      return stats.snapshot('event', { inFlight, sessionsWithLocks: locks.sessionCount });
    },
    async close() {},
  };
}
