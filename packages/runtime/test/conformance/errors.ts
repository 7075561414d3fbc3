import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FlowOutcome } from '../../src/api.ts';
import { RECORD } from '../fixtures/errors/errors.ts';
import { withTimeout } from '../helpers/bounded.ts';
import { startFixture, type FixtureServer } from '../helpers/fixture.ts';
import { volume, laneSource, type ConformanceRuntime } from './runtimes.ts';

const ON_MIDDLE = 0;
const ON_INNER = 2;
const ON_JOB = 4;

export function errorsSuite(rt: ConformanceRuntime): void {
  describe(`[${rt.kind}] errors`, { timeout: 20_000 }, () => {
    let fx: FixtureServer;
    let record: Int32Array;
    before(async () => {
      fx = await startFixture('errors', rt.kind);
      record = fx.int32(RECORD.name, RECORD.bytes);
    });
    after(() => fx.stop());
    beforeEach(() => {
      record.fill(0);
      fx.errors.length = 0;
    });

    const expectError = (outcome: FlowOutcome, node: string, code: string): void => {
      assert.equal(outcome.status, 'error', JSON.stringify(outcome));
      if (outcome.status !== 'error') return;
      assert.equal(outcome.node, node);
      assert.equal(outcome.code, code);
    };
    /** [calls, n] recorded by the handler at `slot`. */
    const handled = (slot: number): [number, number] => [Atomics.load(record, slot), Atomics.load(record, slot + 1)];

    it('runs the whole flow when nothing fails', async () => {
      assert.deepEqual(await fx.emit('Run', 'ok', 1), { status: 'ok', outputs: ['ok', 1001] });
      assert.deepEqual(await fx.emit('Run', 'deep-ok', 2), { status: 'ok', outputs: ['deep-ok', 1002] });
      assert.deepEqual([handled(ON_MIDDLE)[0], handled(ON_INNER)[0], handled(ON_JOB)[0]], [0, 0, 0]);
    });

    it('first node: the enclosing abstract node handles it with its own inputs', async () => {
      expectError(await fx.emit('Run', 'first', 5), 'First', 'E_FIRST');
      assert.deepEqual(handled(ON_JOB), [1, 5]);
    });

    it('middle node with its own handler (thrown after an await)', async () => {
      const outcome = await fx.emit('Run', 'middle', 6);
      expectError(outcome, 'Middle', 'E_MIDDLE');
      assert.equal(outcome.status === 'error' && outcome.message, 'middle failed');
      assert.deepEqual(handled(ON_MIDDLE), [1, 6]);
      assert.deepEqual([handled(ON_INNER)[0], handled(ON_JOB)[0]], [0, 0]);
    });

    it('a rejected promise is a failure like a throw', async () => {
      expectError(await fx.emit('Run', 'middle-reject', 7), 'Middle', 'E_REJECT');
      assert.deepEqual(handled(ON_MIDDLE), [1, 7]);
    });

    it('a predicate that throws fails its abstract node; the enclosing handler gets its inputs', async () => {
      expectError(await fx.emit('Run', 'predicate', 8), 'Route', 'FLUX_ERR_PREDICATE_FAILED');
      assert.deepEqual(handled(ON_INNER), [1, 8]); // Inner's inputs, not Route's (n + 1000)
      assert.equal(handled(ON_JOB)[0], 0);
    });

    it('inside a nested atomic abstract node: its handler runs, its lock is released', async () => {
      const run = laneSource(rt, 'Run');
      expectError(await fx.emit(run, 'deep', 9), 'Deep', 'E_DEEP');
      assert.deepEqual(handled(ON_INNER), [1, 9]);
      // Inner and Last both need the lock: a later flow would hang if it leaked.
      assert.deepEqual(await withTimeout(fx.emit(run, 'ok', 10), 'a flow needing the lock'), { status: 'ok', outputs: ['ok', 1010] });
    });

    it('last node', async () => {
      expectError(await fx.emit('Run', 'last', 11), 'Last', 'E_LAST');
      assert.deepEqual(handled(ON_JOB), [1, 11]);
    });

    it('wrong number of outputs', async () => {
      expectError(await fx.emit('Run', 'arity', 12), 'Last', 'FLUX_ERR_BAD_OUTPUTS');
      assert.deepEqual(handled(ON_JOB), [1, 12]);
    });

    it('no handler: the flow ends in error and the error is reported once', async () => {
      expectError(await fx.emit('Bare', 'plain', 13), 'Plain', 'E_PLAIN');
      assert.deepEqual(fx.errors.map((e) => [e.code, (e as { node?: string }).node]), [['FLUX_ERR_UNHANDLED', 'Plain']]);
    });

    it('a handler that throws is reported and the flow still ends', async () => {
      expectError(await fx.emit('Run', 'first-bad-handler', 14), 'First', 'E_FIRST');
      assert.deepEqual(handled(ON_JOB), [1, 14]);
      assert.deepEqual(fx.errors.map((e) => e.code), ['FLUX_ERR_HANDLER_FAILED']);
    });

    it('many failing and succeeding flows at once leave no lock held', async () => {
      const modes = ['ok', 'deep', 'middle', 'last', 'predicate', 'middle-reject', 'arity', 'first'];
      const n = volume(rt, 160, modes.length);
      const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => fx.emit(laneSource(rt, 'Run'), modes[i % modes.length]!, i)));
      assert.equal(outcomes.filter((o) => o.status === 'ok').length, n / modes.length);
      assert.deepEqual(await withTimeout(fx.emit(laneSource(rt, 'Run'), 'ok', 1), 'a flow needing the lock'), { status: 'ok', outputs: ['ok', 1001] });
    });
  });
}
