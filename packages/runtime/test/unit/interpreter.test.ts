import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockUseIR } from '@flux/compiler/ir.ts';
import type { FlowOutcome, Implementation, SessionKey } from '../../src/api.ts';
import type { FluxFlowError } from '../../src/errors.ts';
import type { Clock, LockManager } from '../../src/flow/env.ts';
import { Interpreter } from '../../src/flow/interpreter.ts';
import { EventLockManager } from '../../src/locks/event-lock-manager.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { StatsRecorder } from '../../src/stats/recorder.ts';
import { IRBuilder } from '../helpers/ir-builder.ts';

const clock: Clock = { now: () => 0, cpu: () => 0 };

/** A lock manager that always makes the flow wait a microtask, and counts what each flow holds. */
class AsyncCountingLocks implements LockManager {
  held = 0;
  fail = false;
  acquire(uses: readonly LockUseIR[], _session: SessionKey | undefined): Promise<void> {
    if (this.fail) return Promise.reject(Object.assign(new Error('no locks today'), { code: 'E_LOCKS' }));
    return Promise.resolve().then(() => {
      this.held += uses.length;
    });
  }
  release(uses: readonly LockUseIR[]): void {
    this.held -= uses.length;
  }
}

const ir = new IRBuilder('unit')
  .lock('outer')
  .lock('inner')
  .predicate('ok', 'IsOk')
  .concrete('S', 0, 1)
  .concrete('A', 1, 1, { locks: [['inner', 'write']] })
  .concrete('B', 1, 1, { locks: [['inner', 'read']], handler: 'OnB' })
  .abstract('Mid', 1, 1, [{ pattern: ['ok'], chain: ['A', 'B'] }], { locks: [['outer', 'write']], handler: 'OnMid' })
  .abstract('Top', 1, 1, [{ pattern: null, chain: ['Mid'] }])
  .source('S', 'Top')
  .build();

function makeImpl(calls: string[]): Implementation {
  return {
    sources: { S: () => {} },
    predicates: {
      IsOk: (v: string) => {
        if (v === 'predicate') throw new Error('predicate threw');
        return v !== 'nomatch';
      },
    },
    nodes: {
      A: (v: string) => {
        if (v === 'a') throw new Error('A threw');
        if (v === 'a-reject') return Promise.reject(new Error('A rejected'));
        if (v === 'a-sync-promise') return Promise.resolve([v]);
        if (v === 'arity') return [v, v];
        return [v];
      },
      B: async (v: string) => {
        if (v === 'b') throw new Error('B threw');
        return [v];
      },
    },
    handlers: {
      OnB: (_e: unknown, v: string) => void calls.push(`OnB(${v})`),
      OnMid: (_e: unknown, v: string) => void calls.push(`OnMid(${v})`),
    },
  };
}

function setup(locks: LockManager, elide = false) {
  const calls: string[] = [];
  const reported: FluxFlowError[] = [];
  const plan = buildPlan(ir, makeImpl(calls), { elideSyncLocks: elide });
  const stats = new StatsRecorder(plan, { timingSampleEvery: 1 });
  const interp = new Interpreter(plan, { locks, stats, clock, reportError: (e) => reported.push(e) });
  return { interp, calls, reported, stats, plan };
}

describe('interpreter', () => {
  it('finishes a synchronous flow synchronously, without a promise', () => {
    const plan = buildPlan(
      new IRBuilder().concrete('S', 0, 1).concrete('X', 1, 1).concrete('Y', 1, 2).abstract('F', 1, 2, [{ pattern: null, chain: ['X', 'Y'] }]).source('S', 'F').build(),
      { sources: { S: () => {} }, nodes: { X: (n: number) => [n + 1], Y: (n: number) => [n, n * 10] } },
      { elideSyncLocks: true },
    );
    const interp = new Interpreter(plan, { locks: new EventLockManager(plan.locks), stats: new StatsRecorder(plan), clock, reportError: () => {} });
    assert.deepEqual(interp.run(0, [1]), { status: 'ok', outputs: [2, 20] });
  });

  it('releases every lock on every exit path, with an asynchronous lock manager', async () => {
    const locks = new AsyncCountingLocks();
    const { interp, calls, reported } = setup(locks);
    const run = (v: string) => interp.run(0, [v]) as Promise<FlowOutcome>;
    const results = await Promise.all(['fine', 'a', 'a-reject', 'b', 'predicate', 'nomatch', 'arity', 'fine'].map(run));
    assert.deepEqual(
      results.map((o) => (o.status === 'error' ? `${o.node}:${o.code}` : o.status)),
      ['ok', 'A:FLUX_ERR_NODE_FAILED', 'A:FLUX_ERR_NODE_FAILED', 'B:FLUX_ERR_NODE_FAILED', 'Mid:FLUX_ERR_PREDICATE_FAILED', 'Mid:FLUX_ERR_NO_MATCHING_CASE', 'A:FLUX_ERR_BAD_OUTPUTS', 'ok'],
    );
    assert.equal(locks.held, 0);
    assert.deepEqual(calls.sort(), ['OnB(b)', 'OnMid(a)', 'OnMid(a-reject)', 'OnMid(arity)', 'OnMid(nomatch)', 'OnMid(predicate)']);
    assert.deepEqual(reported, []);
  });

  it('fails the flow at the node whose locks could not be taken', async () => {
    const locks = new AsyncCountingLocks();
    locks.fail = true;
    const { interp, calls } = setup(locks);
    const outcome = await interp.run(0, ['fine']);
    assert.deepEqual(outcome, { status: 'error', node: 'Mid', code: 'E_LOCKS', message: 'no locks today' });
    assert.deepEqual(calls, ['OnMid(fine)']);
    assert.equal(locks.held, 0);
  });

  it('treats a lock manager that throws like one that rejects', async () => {
    let held = 0;
    const throwing: LockManager = {
      acquire(uses) {
        if (uses.some((u) => u.lock === 1)) throw Object.assign(new Error('inner unavailable'), { code: 'E_THROW' });
        held += uses.length;
        return null;
      },
      release(uses) {
        held -= uses.length;
      },
    };
    const { interp, calls } = setup(throwing);
    assert.deepEqual(await interp.run(0, ['fine']), { status: 'error', node: 'A', code: 'E_THROW', message: 'inner unavailable' });
    assert.equal(held, 0, 'the enclosing node\'s lock was released');
    assert.deepEqual(calls, ['OnMid(fine)']);
  });

  it('fails a node that returns a promise although its locks were elided', async () => {
    const locks = new EventLockManager(ir.locks);
    const { interp, plan } = setup(locks, true);
    assert.deepEqual(plan.elided, [false, false], 'inner is used by an async node: not elided');
    // A is synchronous and its only lock is shared with async B, so nothing is elided here; build a case that is.
    const elidedIr = new IRBuilder().lock('l').concrete('S', 0, 1).concrete('A', 1, 1, { locks: [['l', 'write']] }).source('S', 'A').build();
    const elidedPlan = buildPlan(elidedIr, { sources: { S: () => {} }, nodes: { A: (v: unknown) => Promise.resolve([v]) } }, { elideSyncLocks: true });
    assert.deepEqual(elidedPlan.elided, [true]);
    const reported: FluxFlowError[] = [];
    const elidedInterp = new Interpreter(elidedPlan, { locks, stats: new StatsRecorder(elidedPlan), clock, reportError: (e) => reported.push(e) });
    const outcome = await elidedInterp.run(0, [1]);
    assert.equal(outcome.status === 'error' && outcome.code, 'FLUX_ERR_ELIDED_LOCK_YIELDED');
    assert.deepEqual(reported.map((e) => e.code), ['FLUX_ERR_UNHANDLED']);
    assert.ok(await interp.run(0, ['a-sync-promise']));
  });

  it('reports an unhandled failure once and counts the error path', async () => {
    const plan = buildPlan(
      new IRBuilder().concrete('S', 0, 1).concrete('X', 1, 1).source('S', 'X').build(),
      { sources: { S: () => {} }, nodes: { X: () => { throw Object.assign(new Error('x'), { code: 'E_X' }); } } },
      { elideSyncLocks: true },
    );
    const reported: FluxFlowError[] = [];
    const stats = new StatsRecorder(plan);
    const interp = new Interpreter(plan, { locks: new EventLockManager([]), stats, clock, reportError: (e) => reported.push(e) });
    assert.deepEqual(interp.run(0, [1]), { status: 'error', node: 'X', code: 'E_X', message: 'x' });
    assert.deepEqual(reported.map((e) => [e.code, e.node, e.source]), [['FLUX_ERR_UNHANDLED', 'X', 'S']]);
    const snap = stats.snapshot('test');
    assert.deepEqual(snap.paths.map((p) => [p.number, p.ending]), [[1, { status: 'error', node: 'X' }]]);
    assert.deepEqual(snap.flows, { started: 1, ok: 0, error: 1, overload: 0, inFlight: 0 });
  });

  it('refuses a flow for overload through the target node’s handler', async () => {
    const calls: string[] = [];
    const plan = buildPlan(
      new IRBuilder().concrete('S', 0, 1).concrete('X', 1, 1, { handler: 'Busy' }).source('S', 'X').build(),
      { sources: { S: () => {} }, nodes: { X: (v: unknown) => [v] }, handlers: { Busy: (e: unknown, v: string) => void calls.push(`${(e as { code: string }).code}:${v}`) } },
      { elideSyncLocks: true },
    );
    const stats = new StatsRecorder(plan);
    const interp = new Interpreter(plan, { locks: new EventLockManager([]), stats, clock, reportError: () => {} });
    assert.deepEqual(await interp.overload(0, ['req']), { status: 'overload' });
    assert.deepEqual(calls, ['FLUX_ERR_OVERLOAD:req']);
    assert.equal(stats.snapshot('test').flows.overload, 1);
  });
});
