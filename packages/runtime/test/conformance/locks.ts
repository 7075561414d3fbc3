import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FlowOutcome, RuntimeKind } from '../../src/api.ts';
import { MEMORY, SLOT } from '../fixtures/locks/locks.ts';
import { startFixture, type FixtureServer } from '../helpers/fixture.ts';

const allOk = (outcomes: FlowOutcome[]): void => {
  const bad = outcomes.filter((o) => o.status !== 'ok');
  assert.deepEqual(bad, [], 'every flow ends ok');
};

export function locksSuite(runtime: RuntimeKind): void {
  describe(`[${runtime}] locks`, { timeout: 20_000 }, () => {
    let fx: FixtureServer;
    let mem: Int32Array;
    before(async () => {
      fx = await startFixture('locks', runtime);
      mem = fx.int32(MEMORY.name, MEMORY.bytes);
    });
    after(() => fx.stop());

    it('a writer lock held across an await loses no update', async () => {
      const n = 300;
      const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => fx.emit('Bump', i)));
      allOk(outcomes);
      assert.equal(Atomics.load(mem, SLOT.counter), n);
      const values = outcomes.map((o) => (o.status === 'ok' ? o.outputs[0] : -1)).sort((a, b) => Number(a) - Number(b));
      assert.deepEqual(values, Array.from({ length: n }, (_, i) => i + 1), 'every flow saw a distinct value');
    });

    it('a synchronous node under its lock loses no update', async () => {
      const n = 300;
      allOk(await Promise.all(Array.from({ length: n }, (_, i) => fx.emit('SyncBump', i))));
      assert.equal(Atomics.load(mem, SLOT.syncCounter), n);
    });

    it('readers overlap each other and never a writer', async () => {
      const flows: Promise<FlowOutcome>[] = [];
      for (let i = 0; i < 120; i++) flows.push(fx.emit(i % 6 === 5 ? 'Writer' : 'Reader', i));
      allOk(await Promise.all(flows));
      assert.equal(Atomics.load(mem, SLOT.rwViolations), 0);
      assert.ok(Atomics.load(mem, SLOT.maxReaders) > 1, 'readers overlapped');
      assert.equal(Atomics.load(mem, SLOT.readers), 0);
      assert.equal(Atomics.load(mem, SLOT.writers), 0);
    });

    it('the 2006 deadlock program runs under load without hanging', async () => {
      const flows: Promise<FlowOutcome>[] = [];
      for (let i = 0; i < 200; i++) flows.push(fx.emit('A', i), fx.emit('B', i));
      allOk(await Promise.all(flows));
      assert.equal(Atomics.load(mem, SLOT.deadlockC), 200);
      assert.equal(Atomics.load(mem, SLOT.deadlockD), 200);
    });

    it('nested atomic nodes do not take a held lock again (and keep others out)', async () => {
      allOk(await Promise.all(Array.from({ length: 50 }, (_, i) => fx.emit('Nest', i))));
      assert.equal(Atomics.load(mem, SLOT.nestDone), 50);
      assert.equal(Atomics.load(mem, SLOT.nestViolations), 0);
    });

    it('session-scoped locks serialise a session and let sessions overlap', async () => {
      const flows: Promise<FlowOutcome>[] = [];
      for (let i = 0; i < 30; i++) flows.push(fx.emit('Sess', i % 2 === 0 ? 'a' : 'b', i));
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
      const flows: Promise<FlowOutcome>[] = [];
      for (let i = 0; i < 60; i++) flows.push(fx.emit('Risky', i % 3 === 0));
      const outcomes = await Promise.all(flows);
      assert.equal(outcomes.filter((o) => o.status === 'error').length, 20);
      assert.equal(Atomics.load(mem, SLOT.riskyDone), 40);
      assert.deepEqual(await fx.emit('Risky', false), { status: 'ok', outputs: [] });
    });
  });
}
