import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FlowOutcome } from '../../src/api.ts';
import { LANES } from '../fixtures/harness.ts';
import { MEMORY, SLOT } from '../fixtures/locks/locks.ts';
import { withTimeout } from '../helpers/bounded.ts';
import { startFixture, type FixtureServer } from '../helpers/fixture.ts';
import { volume, laneSource, type ConformanceRuntime } from './runtimes.ts';

const allOk = (outcomes: FlowOutcome[]): void => {
  const bad = outcomes.filter((o) => o.status !== 'ok');
  assert.deepEqual(bad, [], 'every flow ends ok');
};

export function locksSuite(rt: ConformanceRuntime): void {
  describe(`[${rt.kind}] locks`, { timeout: 20_000 }, () => {
    let fx: FixtureServer;
    let mem: Int32Array;
    before(async () => {
      fx = await startFixture('locks', rt.kind);
      mem = fx.int32(MEMORY.name, MEMORY.bytes);
    });
    after(() => fx.stop());

    /** `count` flows of source `name` (or its lane twin) at once, the i-th emitting `args(i)`. */
    const many = (name: string, count: number, args: (i: number) => unknown[]): Promise<FlowOutcome[]> => {
      const source = laneSource(rt, name);
      return Promise.all(Array.from({ length: count }, (_, i) => fx.emit(source, ...args(i))));
    };

    /**
     * With lanes, one flow per lane first: under `thread` a lane's worker starts with its first flow, and a
     * synchronous node can only overlap itself across workers that are already running.
     */
    const warmLanes = async (name: string): Promise<number> => {
      if (!rt.lanes) return 0;
      allOk(await many(name, LANES, (i) => [i]));
      return LANES;
    };

    it('a writer lock held across an await loses no update', async () => {
      const n = volume(rt, 300);
      const outcomes = await many('Bump', n, (i) => [i]);
      allOk(outcomes);
      assert.equal(Atomics.load(mem, SLOT.counter), n);
      const values = outcomes.map((o) => (o.status === 'ok' ? o.outputs[0] : -1)).sort((a, b) => Number(a) - Number(b));
      assert.deepEqual(values, Array.from({ length: n }, (_, i) => i + 1), 'every flow saw a distinct value');
    });

    it('a synchronous node under its lock loses no update', async () => {
      const warm = await warmLanes('SyncBump');
      const n = volume(rt, 300);
      allOk(await many('SyncBump', n, (i) => [i]));
      assert.equal(Atomics.load(mem, SLOT.syncCounter), warm + n);
    });

    it('readers overlap each other and never a writer', async () => {
      const n = volume(rt, 120, 6);
      const outcomes = await Promise.all(
        Array.from({ length: n }, (_, i) => fx.emit(laneSource(rt, i % 6 === 5 ? 'Writer' : 'Reader'), i)),
      );
      allOk(outcomes);
      assert.equal(Atomics.load(mem, SLOT.rwViolations), 0);
      assert.ok(Atomics.load(mem, SLOT.maxReaders) > 1, 'readers overlapped');
      assert.equal(Atomics.load(mem, SLOT.readers), 0);
      assert.equal(Atomics.load(mem, SLOT.writers), 0);
    });

    it('the 2006 deadlock program runs under load without hanging', async () => {
      const n = volume(rt, 200);
      const [a, b] = [laneSource(rt, 'A'), laneSource(rt, 'B')];
      const flows: Promise<FlowOutcome>[] = [];
      for (let i = 0; i < n; i++) flows.push(fx.emit(a, i), fx.emit(b, i));
      allOk(await withTimeout(Promise.all(flows), 'the deadlock program', 10_000));
      assert.equal(Atomics.load(mem, SLOT.deadlockC), n);
      assert.equal(Atomics.load(mem, SLOT.deadlockD), n);
    });

    it('nested atomic nodes do not take a held lock again (and keep others out)', async () => {
      const n = volume(rt, 50);
      allOk(await many('Nest', n, (i) => [i]));
      assert.equal(Atomics.load(mem, SLOT.nestDone), n);
      assert.equal(Atomics.load(mem, SLOT.nestViolations), 0);
    });

    it('session-scoped locks serialise a session and let sessions overlap', async () => {
      // One flow per session first: under `thread` a session's worker starts with its first flow, and the two
      // sessions can only overlap once both workers run.
      allOk(await Promise.all([fx.emit('Sess', 'a', -1), fx.emit('Sess', 'b', -2)]));
      const flows: Promise<FlowOutcome>[] = [];
      for (let i = 0; i < 40; i++) flows.push(fx.emit('Sess', i % 2 === 0 ? 'a' : 'b', i));
      allOk(await Promise.all(flows));
      assert.equal(Atomics.load(mem, SLOT.sessionViolations), 0);
      assert.equal(Atomics.load(mem, SLOT.maxSessions), 2);
    });

    it('a session can end and start again', async () => {
      allOk(await Promise.all([fx.emit('Sess', 'a', 1), fx.emit('Sess', 'a', 2)]));
      await fx.endSession('Sess', 'a');
      allOk(await Promise.all([fx.emit('Sess', 'a', 3), fx.emit('Sess', 'b', 4)]));
      assert.equal(Atomics.load(mem, SLOT.sessionViolations), 0);
    });

    it('a node that throws inside an atomic node leaves no lock held', async () => {
      const n = volume(rt, 60, 3);
      const outcomes = await many('Risky', n, (i) => [i % 3 === 0]);
      assert.equal(outcomes.filter((o) => o.status === 'error').length, n / 3);
      assert.equal(Atomics.load(mem, SLOT.riskyDone), (2 * n) / 3);
      assert.deepEqual(await withTimeout(fx.emit(laneSource(rt, 'Risky'), false), 'a flow needing the lock'), { status: 'ok', outputs: [] });
    });
  });
}
