/**
 * The flow interpreter: runs one flow over a plan's step DAG. Synchronous until something returns a thenable
 * (a node, a predicate, a handler, a lock acquisition): only then does the flow continue in a callback, so a
 * flow of synchronous nodes runs start to end in one call with no promise created.
 *
 * Lock discipline (every exit path): a CALL step takes its locks right before the call and drops them right
 * after; an ABSTRACT step takes its locks before dispatch and its LEAVE step drops them; a failure drops the
 * failing step's own locks (if taken) and every lock of the enclosing abstract occurrences (`step.outer`)
 * before the handler runs.
 */

import type { FlowOutcome, SessionKey } from '../api.ts';
import { codeOf, codes, FluxError, FluxFlowError, messageOf } from '../errors.ts';
import { OP_ABSTRACT, OP_CALL, OP_END, OP_LEAVE, type Plan, type PlanHandler, type PlanSource, type Step } from '../plan/plan.ts';
import type { LockUseIR } from '@flux/compiler/ir.ts';
import type { StatsRecorder } from '../stats/recorder.ts';
import type { Clock, FlowEnv, LockManager } from './env.ts';

const EMPTY: readonly unknown[] = Object.freeze([]);

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** Per-flow state. Allocated once per flow; the walk itself allocates nothing else on the synchronous path. */
class Flow {
  readonly source: PlanSource;
  readonly session: SessionKey | undefined;
  readonly locks: LockManager;
  readonly stats: StatsRecorder;
  readonly clock: Clock;
  readonly env: FlowEnv;
  /** The tuple flowing into the current step. */
  values: readonly unknown[];
  /** Inputs stored by abstract occurrences whose handler may need them. */
  readonly frames: (readonly unknown[])[] | null;
  /** Ball-Larus path sum so far. */
  path = 0;
  /** When the flow started, for the one flow in k whose duration is measured; -1 for the others. */
  startedAt = -1;
  /** Timed flows that take locks: when each lock (by index) was taken, for the profile's hold times. */
  lockedAt: Float64Array | null = null;
  outcome: FlowOutcome | undefined = undefined;
  resolve: ((outcome: FlowOutcome) => void) | null = null;

  constructor(env: FlowEnv, source: PlanSource, values: readonly unknown[], session: SessionKey | undefined) {
    this.env = env;
    this.locks = env.locks;
    this.stats = env.stats;
    this.clock = env.clock;
    this.source = source;
    this.session = session;
    this.values = values;
    this.frames = source.frameSlots > 0 ? new Array(source.frameSlots) : null;
  }
}

export class Interpreter {
  readonly plan: Plan;
  readonly env: FlowEnv;

  constructor(plan: Plan, env: FlowEnv) {
    this.plan = plan;
    this.env = env;
  }

  /**
   * Runs one flow of source `sourceIndex` with the source's output tuple. Returns the outcome directly when the
   * flow finished synchronously, else a promise of it. Never throws or rejects for anything node code does.
   */
  run(sourceIndex: number, outputs: readonly unknown[], session?: SessionKey): FlowOutcome | Promise<FlowOutcome> {
    const source = this.plan.sources[sourceIndex];
    if (source === undefined) throw new RangeError(`no source ${sourceIndex}`);
    const flow = new Flow(this.env, source, outputs, session);
    flow.stats.flowsStarted++;
    if (flow.stats.timesFlow()) flow.startedAt = flow.clock.now();
    flow.stats.edgeCounts[source.entryEdge]++;
    advance(flow, source.entry);
    if (flow.outcome !== undefined) return flow.outcome;
    return new Promise<FlowOutcome>((resolve) => {
      flow.resolve = resolve;
    });
  }

  /**
   * Refuses a flow (admission control): runs the target node's own handler, if any, with an overload error and
   * the source's outputs, and returns `{ status: 'overload' }`.
   */
  overload(sourceIndex: number, outputs: readonly unknown[]): FlowOutcome | Promise<FlowOutcome> {
    const source = this.plan.sources[sourceIndex];
    if (source === undefined) throw new RangeError(`no source ${sourceIndex}`);
    const stats = this.env.stats;
    stats.flowsStarted++;
    stats.flowsOverload++;
    const outcome: FlowOutcome = OVERLOAD;
    const h = source.overloadHandler;
    if (h === null) return outcome;
    const error = new FluxError(codes.OVERLOAD, `flow of source ${source.name} refused: the runtime is at its queue limit`);
    const r = callHandler(this.env, source, h, error, outputs);
    if (r === null) return outcome;
    return r.then(() => outcome);
  }
}

const OVERLOAD: FlowOutcome = Object.freeze({ status: 'overload' });

/** Walks from `start` until the flow ends or waits for a thenable. */
function advance(flow: Flow, start: Step): void {
  let step: Step | null = start;
  while (step !== null) {
    switch (step.op) {
      case OP_CALL:
        step = enterCall(flow, step);
        break;
      case OP_ABSTRACT:
        step = enterAbstract(flow, step);
        break;
      case OP_LEAVE:
        release(flow, step.release!);
        step = step.next;
        break;
      case OP_END:
        finishOk(flow);
        return;
    }
  }
}

function enterCall(flow: Flow, step: Step): Step | null {
  if (step.acquire !== null) {
    const wait = acquire(flow, step);
    if (wait === FAILED) return null;
    if (wait !== null) {
      wait.then(
        () => {
          const next = invoke(flow, step);
          if (next !== null) advance(flow, next);
        },
        (error: unknown) => fail(flow, step, error, codes.NODE_FAILED, false),
      );
      return null;
    }
  }
  return invoke(flow, step);
}

const FAILED = 0;

/** Takes a step's locks; a lock manager that throws (instead of rejecting) fails the flow the same way. */
function acquire(flow: Flow, step: Step): Promise<void> | null | typeof FAILED {
  const uses = step.acquire!;
  const t0 = flow.startedAt >= 0 ? flow.clock.now() : -1;
  let wait: Promise<void> | null;
  try {
    wait = flow.locks.acquire(uses, flow.session);
  } catch (error) {
    fail(flow, step, error, codes.NODE_FAILED, false);
    return FAILED;
  }
  flow.stats.locksAsked(uses, wait !== null);
  if (t0 < 0) return wait;
  // A timed flow: its wait for these locks and how long it holds them go into the profile.
  if (wait === null) {
    locked(flow, uses, t0, t0);
    return null;
  }
  return wait.then(() => locked(flow, uses, t0, flow.clock.now()));
}

/** A timed flow took `uses` at `at`, having asked at `askedAt`. */
function locked(flow: Flow, uses: readonly LockUseIR[], askedAt: number, at: number): void {
  flow.stats.locksWaited(uses, at - askedAt);
  const lockedAt = (flow.lockedAt ??= new Float64Array(flow.stats.plan.locks.length).fill(-1));
  for (let i = 0; i < uses.length; i++) lockedAt[uses[i]!.lock] = at;
}

/** Drops locks the flow holds; a timed flow records how long it held them. */
function release(flow: Flow, uses: readonly LockUseIR[]): void {
  flow.locks.release(uses, flow.session);
  const lockedAt = flow.lockedAt;
  if (lockedAt === null) return;
  const now = flow.clock.now();
  for (let i = 0; i < uses.length; i++) {
    const use = uses[i]!;
    const at = lockedAt[use.lock]!;
    if (at < 0) continue;
    flow.stats.lockHeld(use.lock, now - at, use.mode === 'write');
    lockedAt[use.lock] = -1;
  }
}

/** Calls a CALL step's function (its locks are held). */
function invoke(flow: Flow, step: Step): Step | null {
  const stats = flow.stats;
  const id = step.node.id;
  const calls = ++stats.nodeCalls[id]!;
  if (stats.timing && ((calls - 1) & stats.timingMask) === 0) return invokeTimed(flow, step);
  let result: unknown;
  try {
    result = step.fn!.apply(step.thisArg, flow.values as unknown[]);
  } catch (error) {
    return fail(flow, step, error, codes.NODE_FAILED, true);
  }
  if (result !== undefined && !Array.isArray(result) && isThenable(result)) return awaitResult(flow, step, result, -1);
  return afterCall(flow, step, result);
}

/**
 * `invoke` for a call chosen for timing: wall time to the result; CPU time of the synchronous part by the
 * thread's CPU clock (for the totals); and the synchronous part's wall time (for the profile's distribution).
 * Two measures of one thing because neither is enough alone: Node's per-thread CPU clock
 * (`process.threadCpuUsage`, getrusage) advances only when the Linux scheduler updates it, every few ms, so a
 * call of microseconds reads 0 or a whole update: an unbiased mean over many calls, but no distribution. The
 * wall clock is precise, and equals CPU time while the thread keeps its core (it runs nothing else during the
 * synchronous part), but also counts time the OS gives the core to others on an oversubscribed machine.
 */
function invokeTimed(flow: Flow, step: Step): Step | null {
  const stats = flow.stats;
  const clock = flow.clock;
  const id = step.node.id;
  stats.nodeTimed[id]++;
  const cpu0 = clock.cpu();
  const t0 = clock.now();
  let result: unknown;
  try {
    result = step.fn!.apply(step.thisArg, flow.values as unknown[]);
  } catch (error) {
    const wallMs = clock.now() - t0;
    stats.timedCall(id, wallMs, clock.cpu() - cpu0, wallMs * 1000);
    return fail(flow, step, error, codes.NODE_FAILED, true);
  }
  const syncMs = clock.now() - t0;
  const cpuUs = clock.cpu() - cpu0;
  if (result !== undefined && !Array.isArray(result) && isThenable(result)) return awaitResult(flow, step, result, t0, cpuUs, syncMs * 1000);
  stats.timedCall(id, syncMs, cpuUs, syncMs * 1000);
  return afterCall(flow, step, result);
}

/**
 * A node returned a thenable: continue the flow when it settles. `t0` >= 0: a timed call (`cpuUs` and `syncUs`
 * its synchronous part's CPU and wall time); record it then.
 */
function awaitResult(flow: Flow, step: Step, result: PromiseLike<unknown>, t0: number, cpuUs = 0, syncUs = 0): Step | null {
  const stats = flow.stats;
  const id = step.node.id;
  if (step.elided) {
    if (t0 >= 0) stats.timedCall(id, flow.clock.now() - t0, cpuUs, syncUs);
    Promise.resolve(result).catch(() => {}); // the flow no longer waits for it; keep a rejection from going unhandled
    const error = new FluxError(
      codes.ELIDED_LOCK_YIELDED,
      `node ${step.node.name} returned a promise, but its locks were elided because it is not an async function; ` +
        'declare it `async` (or make it synchronous)',
    );
    return fail(flow, step, error, codes.ELIDED_LOCK_YIELDED, true);
  }
  result.then(
    (value) => {
      if (t0 >= 0) stats.timedCall(id, flow.clock.now() - t0, cpuUs, syncUs);
      const next = afterCall(flow, step, value);
      if (next !== null) advance(flow, next);
    },
    (error: unknown) => {
      if (t0 >= 0) stats.timedCall(id, flow.clock.now() - t0, cpuUs, syncUs);
      fail(flow, step, error, codes.NODE_FAILED, true);
    },
  );
  return null;
}

function afterCall(flow: Flow, step: Step, result: unknown): Step | null {
  if (step.acquire !== null) release(flow, step.acquire);
  if (Array.isArray(result) && result.length === step.arity) {
    flow.values = result;
  } else if (step.arity === 0 && result === undefined) {
    flow.values = EMPTY;
  } else {
    const got = Array.isArray(result) ? `an array of ${result.length}` : result === undefined ? 'nothing' : typeof result;
    const error = new FluxError(codes.BAD_OUTPUTS, `node ${step.node.name} must return an array of ${step.arity} outputs, got ${got}`);
    return fail(flow, step, error, codes.BAD_OUTPUTS, false);
  }
  flow.stats.edgeCounts[step.okEdge]++;
  return step.next;
}

function enterAbstract(flow: Flow, step: Step): Step | null {
  flow.stats.nodeCalls[step.node.id]++;
  if (step.slot >= 0) flow.frames![step.slot] = flow.values;
  if (step.acquire !== null) {
    const wait = acquire(flow, step);
    if (wait === FAILED) return null;
    if (wait !== null) {
      wait.then(
        () => {
          const next = dispatch(flow, step, 0, 0);
          if (next !== null) advance(flow, next);
        },
        (error: unknown) => fail(flow, step, error, codes.NODE_FAILED, false),
      );
      return null;
    }
  }
  return dispatch(flow, step, 0, 0);
}

/** Tries the cases of an ABSTRACT step from case `fromCase`, test `fromTest`; first match wins. */
function dispatch(flow: Flow, step: Step, fromCase: number, fromTest: number): Step | null {
  const cases = step.cases;
  const values = flow.values;
  let j = fromTest;
  for (let i = fromCase; i < cases.length; i++, j = 0) {
    const c = cases[i]!;
    const tests = c.tests;
    let matched = true;
    for (; j < tests.length; j++) {
      const t = tests[j]!;
      let r: unknown;
      try {
        r = t.fn.call(t.thisArg, values[t.pos]);
      } catch (error) {
        return fail(flow, step, error, codes.PREDICATE_FAILED, true);
      }
      if (isThenable(r)) {
        const caseIndex = i;
        const testIndex = j;
        r.then(
          (v) => {
            // Matched when truthiness differs from `negate`.
            const next = !v === t.negate ? dispatch(flow, step, caseIndex, testIndex + 1) : dispatch(flow, step, caseIndex + 1, 0);
            if (next !== null) advance(flow, next);
          },
          (error: unknown) => fail(flow, step, error, codes.PREDICATE_FAILED, true),
        );
        return null;
      }
      if (!r === !t.negate) {
        matched = false;
        break;
      }
    }
    if (matched) {
      flow.path += c.inc;
      flow.stats.edgeCounts[c.edge]++;
      return c.first;
    }
  }
  const error = new FluxError(codes.NO_MATCHING_CASE, `no case of ${step.node.name} matched its inputs`);
  return fail(flow, step, error, codes.NO_MATCHING_CASE, true);
}

function finishOk(flow: Flow): void {
  const stats = flow.stats;
  stats.flowsOk++;
  stats.countPath(flow.source.pathBase + flow.path, durationOf(flow));
  complete(flow, { status: 'ok', outputs: flow.values });
}

/** The flow's duration in ms, or -1 when it is not one of the flows measured. */
function durationOf(flow: Flow): number {
  return flow.startedAt < 0 ? -1 : flow.clock.now() - flow.startedAt;
}

function complete(flow: Flow, outcome: FlowOutcome): void {
  flow.outcome = outcome;
  if (flow.resolve !== null) flow.resolve(outcome);
}

/**
 * Ends the flow at a failing step: drops every lock it holds, runs the innermost handler (or reports the error
 * when there is none), and completes with an error outcome. `ownHeld` says whether the step's own locks were
 * taken. Always returns null (the walk stops here).
 */
function fail(flow: Flow, step: Step, error: unknown, fallbackCode: string, ownHeld: boolean): null {
  if (ownHeld && step.acquire !== null) release(flow, step.acquire);
  if (step.outer !== null) release(flow, step.outer);
  const stats = flow.stats;
  stats.nodeErrors[step.node.id]++;
  stats.edgeCounts[step.errEdge]++;
  flow.path += step.errInc;

  const outcome: FlowOutcome = {
    status: 'error',
    node: step.node.name,
    code: codeOf(error, fallbackCode),
    message: messageOf(error),
  };
  const done = (): void => {
    stats.flowsError++;
    stats.countPath(flow.source.pathBase + flow.path, durationOf(flow));
    complete(flow, outcome);
  };
  const h = step.handler;
  if (h === null) {
    flow.env.reportError(
      new FluxFlowError(
        codes.UNHANDLED,
        `flow of source ${flow.source.name} failed at node ${step.node.name} with no handler: ${outcome.message}`,
        step.node.name,
        flow.source.name,
        error,
      ),
    );
    done();
    return null;
  }
  const inputs = h.slot < 0 ? flow.values : flow.frames![h.slot]!;
  const pending = callHandler(flow.env, flow.source, h, error, inputs);
  if (pending === null) done();
  else pending.then(done);
  return null;
}

/** Runs a handler; reports (never throws) its failure. Returns null when it finished synchronously. */
function callHandler(env: FlowEnv, source: PlanSource, h: PlanHandler, error: unknown, inputs: readonly unknown[]): Promise<void> | null {
  const report = (e: unknown): void => {
    env.reportError(
      new FluxFlowError(
        codes.HANDLER_FAILED,
        `handler ${h.name} (for node ${h.node}, source ${source.name}) failed: ${messageOf(e)}`,
        h.node,
        source.name,
        e,
      ),
    );
  };
  let r: unknown;
  try {
    r = h.fn.call(h.thisArg, error, ...inputs);
  } catch (e) {
    report(e);
    return null;
  }
  if (!isThenable(r)) return null;
  return Promise.resolve(r).then(
    () => {},
    (e: unknown) => report(e),
  );
}
