import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFixture, type FixtureServer } from '../helpers/fixture.ts';
import { volume, laneSource, type ConformanceRuntime } from './runtimes.ts';

export function dispatchSuite(rt: ConformanceRuntime): void {
  describe(`[${rt.kind}] dispatch`, { timeout: 20_000 }, () => {
    let fx: FixtureServer;
    before(async () => {
      fx = await startFixture('dispatch', rt.kind);
    });
    after(() => fx.stop());

    const label = async (a: number, b: number): Promise<unknown> => {
      const outcome = await fx.emit('In', a, b);
      assert.equal(outcome.status, 'ok', JSON.stringify(outcome));
      return outcome.status === 'ok' ? outcome.outputs[0] : undefined;
    };

    it('takes the first matching case when several match', async () => {
      assert.equal(await label(2, 4), 'first-even');
    });

    it('tries cases in order', async () => {
      assert.equal(await label(1, 4), 'second-even');
    });

    it('applies negation and ANDs the positions (with an asynchronous predicate)', async () => {
      assert.equal(await label(1, 101), 'odd-and-big');
      assert.equal(await label(1, 99), 'fallback');
    });

    it('falls back to the all-wildcard case', async () => {
      assert.equal(await label(3, 5), 'fallback');
    });

    it('passes inputs through an empty flow', async () => {
      assert.deepEqual(await fx.emit('Pair', 7, 8), { status: 'ok', outputs: [7, 8] });
    });

    it('ends in error when no case matches', async () => {
      assert.deepEqual(await fx.emit('Single', 2), { status: 'ok', outputs: ['even-only'] });
      const outcome = await fx.emit('Single', 3);
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.status === 'error' && outcome.node, 'Strict');
      assert.equal(outcome.status === 'error' && outcome.code, 'FLUX_ERR_NO_MATCHING_CASE');
      assert.equal(fx.errors.filter((e) => e.code === 'FLUX_ERR_UNHANDLED').length, 1);
    });

    it('runs many flows at once', async () => {
      const outcomes = await Promise.all(Array.from({ length: volume(rt, 200, 2) }, (_, i) => fx.emit(laneSource(rt, 'In'), i, i + 1)));
      outcomes.forEach((o, i) => {
        const expected = i % 2 === 0 ? 'first-even' : 'second-even';
        assert.deepEqual(o, { status: 'ok', outputs: [expected] });
      });
    });
  });
}
