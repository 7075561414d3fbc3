import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowOutcome, RuntimeKind } from '../../src/api.ts';
import { harness } from '../fixtures/harness.ts';
import { MEMORY, TICKS } from '../fixtures/lifecycle/lifecycle.ts';
import { startFixture } from '../helpers/fixture.ts';

export function lifecycleSuite(runtime: RuntimeKind): void {
  describe(`[${runtime}] sources, outcomes, statistics, shutdown`, { timeout: 20_000 }, () => {
    it('runs several sources, including a timer', async () => {
      const fx = await startFixture('lifecycle', runtime);
      try {
        const ticks = (await harness.recorded('Tick', TICKS)) as FlowOutcome[];
        assert.deepEqual(ticks, Array.from({ length: TICKS }, (_, i) => ({ status: 'ok', outputs: [i + 1] })));
        assert.equal(Atomics.load(fx.int32(MEMORY.name, MEMORY.bytes), 0), (TICKS * (TICKS + 1)) / 2);
        assert.deepEqual(await fx.emit('In', 3), { status: 'ok', outputs: [6] });
      } finally {
        await fx.stop();
      }
    });

    it('counts calls, errors, edges and paths', async () => {
      const fx = await startFixture('lifecycle', runtime);
      try {
        await harness.recorded('Tick', TICKS);
        assert.deepEqual(await fx.emit('In', 1), { status: 'ok', outputs: [2] });
        assert.deepEqual(await fx.emit('In', 2), { status: 'ok', outputs: [4] });
        assert.deepEqual(await fx.emit('In', 10), { status: 'ok', outputs: [10] });
        const failed = await fx.emit('In', -1);
        assert.deepEqual(failed, { status: 'error', node: 'Double', code: 'E_NEGATIVE', message: 'negative' });
        const stats = await fx.server.stats();
        assert.equal(stats.program, 'lifecycle');
        assert.deepEqual(stats.flows, { started: TICKS + 4, ok: TICKS + 3, error: 1, overload: 0, inFlight: 0 });
        const n = stats.nodes;
        assert.deepEqual([n['Double']!.calls, n['Double']!.errors, n['Halve']!.calls, n['Count']!.calls], [4, 1, 1, TICKS]);
        assert.deepEqual([n['Pipeline']!.calls, n['Route']!.calls, n['Route']!.errors], [4, 3, 0]);
        const edges = Object.fromEntries(stats.edges.map((e) => [`${e.from}->${e.to}`, e.count]));
        assert.deepEqual(edges, {
          'Tick->Count': TICKS,
          'Count->(end)': TICKS,
          'In->Pipeline': 4,
          'Pipeline->Double': 4,
          'Double->Route': 3,
          'Double->(error)': 1,
          'Route->(end)': 2,
          'Route->Halve': 1,
          'Halve->(end)': 1,
        });
        const paths = stats.paths.filter((p) => p.source === 'In').map((p) => [p.number, p.nodes.join(' '), p.ending, p.count]);
        assert.deepEqual(paths, [
          [0, 'Pipeline Double Route:[small]', { status: 'ok' }, 2],
          [1, 'Pipeline Double Route:default Halve', { status: 'ok' }, 1],
          [4, 'Pipeline Double', { status: 'error', node: 'Double' }, 1],
        ]);
      } finally {
        await fx.stop();
      }
    });

    it('stop waits for flows in flight, then refuses new ones', async () => {
      const fx = await startFixture('lifecycle', runtime);
      const inFlight = [fx.emit('Slow', 30), fx.emit('Slow', 60), fx.emit('Slow', 90)];
      // Let the flows start before stopping.
      await new Promise((resolve) => setTimeout(resolve, 10));
      const ended: number[] = [];
      inFlight.forEach((flow, i) => void flow.then(() => ended.push(i)));
      await fx.stop(5000);
      assert.deepEqual(ended.sort(), [0, 1, 2], 'every flow in flight ended before stop resolved');
      assert.deepEqual(await Promise.all(inFlight), [30, 60, 90].map((ms) => ({ status: 'ok', outputs: [ms] })));
      const late = await fx.emit('Slow', 1);
      assert.equal(late.status === 'error' && late.code, 'FLUX_ERR_STOPPED');
    });

    it('stop gives up on a flow that never ends once the deadline passes', async () => {
      const fx = await startFixture('lifecycle', runtime);
      void fx.emit('Slow', -1);
      await new Promise((resolve) => setTimeout(resolve, 10));
      await fx.stop(50);
    });
  });
}
