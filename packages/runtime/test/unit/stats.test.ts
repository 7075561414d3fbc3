import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../src/plan/build.ts';
import { StatsRecorder } from '../../src/stats/recorder.ts';
import { mergeSnapshots, type StatsSnapshot } from '../../src/stats/snapshot.ts';
import { Interpreter } from '../../src/flow/interpreter.ts';
import { EventLockManager } from '../../src/locks/event-lock-manager.ts';
import { IRBuilder } from '../helpers/ir-builder.ts';

const plan = buildPlan(
  new IRBuilder('s').concrete('S', 0, 1).concrete('X', 1, 1).source('S', 'X').build(),
  { sources: { S: () => {} }, nodes: { X: (v: unknown) => [v] } },
  { elideSyncLocks: true },
);

function runFlows(timingSampleEvery: number, flows: number): StatsSnapshot {
  let t = 0;
  const clock = { now: () => t++, cpu: () => 1000 * t };
  const stats = new StatsRecorder(plan, { timingSampleEvery });
  const interp = new Interpreter(plan, { locks: new EventLockManager([]), stats, clock, reportError: () => {} });
  for (let i = 0; i < flows; i++) {
    stats.emitted(0, clock);
    interp.run(0, [i]);
  }
  return stats.snapshot('event', { queue: 2 });
}

describe('stats', () => {
  it('times the first call of a node and then one in k, and scales totals to all calls', () => {
    assert.equal(runFlows(1, 10).nodes['X']!.timed, 10);
    assert.equal(runFlows(4, 10).nodes['X']!.timed, 3); // calls 1, 5, 9
    assert.equal(runFlows(3, 10).nodes['X']!.timed, 3); // rounded up to 4
    assert.equal(runFlows(0, 10).nodes['X']!.timed, 0);
    const x = runFlows(4, 8).nodes['X']!;
    assert.equal(x.calls, 8);
    assert.equal(x.wallMs, 8, 'each timed call took 1 ms on the fake clock; 8 calls');
  });

  it('merges snapshots by summing', () => {
    const a = runFlows(1, 3);
    const b = runFlows(1, 5);
    const m = mergeSnapshots([a, b], 'threadpool');
    assert.equal(m.runtime, 'threadpool');
    assert.deepEqual(m.flows, { started: 8, ok: 8, error: 0, overload: 0, inFlight: 0 });
    assert.equal(m.nodes['X']!.calls, 8);
    assert.deepEqual(m.edges.map((e) => [e.from, e.to, e.count]).sort(), [['S', 'X', 8], ['X', '(end)', 8]]);
    assert.equal(m.paths.length, 1);
    assert.equal(m.paths[0]!.count, 8);
    assert.equal(m.paths[0]!.meanMs, m.paths[0]!.totalMs / 8);
    assert.deepEqual(m.figures, { queue: 4 });
    assert.deepEqual(JSON.parse(JSON.stringify(m)), m, 'plain JSON');
  });
});

describe('profile', () => {
  const lockedPlan = buildPlan(
    new IRBuilder('p')
      .lock('table')
      .concrete('S', 0, 1)
      .concrete('Read', 1, 1, { locks: [['table', 'read']] })
      .concrete('Write', 1, 1, { locks: [['table', 'write']] })
      .concrete('T', 0, 1)
      .source('S', 'Read')
      .source('T', 'Write')
      .build(),
    {
      sources: { S: () => {}, T: () => {} },
      nodes: { Read: async (v: unknown) => [v], Write: (v: unknown) => [v] },
    },
    { elideSyncLocks: false },
  );

  it('records node CPU/wall histograms, flows, emissions and lock holds from the timed calls only', async () => {
    let t = 0;
    // Every read of the wall clock advances 1 ms.
    const clock = { now: () => t++, cpu: () => 0 };
    const stats = new StatsRecorder(lockedPlan, { timingSampleEvery: 2 }, () => 3);
    const interp = new Interpreter(lockedPlan, { locks: new EventLockManager(lockedPlan.locks), stats, clock, reportError: () => {} });
    // The runtimes count an emission where a source hands a flow over (their dispatch), before running it.
    for (let i = 0; i < 8; i++) {
      stats.emitted(0, clock);
      await interp.run(0, [i]);
    }
    stats.emitted(0, clock);
    interp.overload(0, [99]);
    const s = stats.snapshot('event');
    assert.equal(s.version, 2);
    const p = s.profile;
    assert.equal(p.sampleEvery, 2);
    assert.equal(p.threads, 1);
    assert.ok(p.cores >= 1);
    assert.equal(p.nodes['Read']!.cpuUs.count, 4, 'calls 1, 3, 5, 7 timed');
    assert.equal(p.nodes['Read']!.cpuUs.sumUs, 4 * 1000, 'the synchronous part: one clock step each');
    assert.ok(p.nodes['Read']!.wallUs.sumUs >= p.nodes['Read']!.cpuUs.sumUs, 'the promise settles later');
    assert.equal(p.nodes['Read']!.wallUs.count, 4);
    assert.equal(p.nodes['Write']!.wallUs.count, 0, 'never called: empty histogram, still present');
    assert.equal(p.asyncWaitUs!['Read']!.count, 4);
    assert.equal(p.flowUs.count, 4, 'flows 1, 3, 5, 7 timed');
    assert.equal(p.sources['S']!.emitted, 9, 'runs and the refused flow');
    assert.equal(p.sources['S']!.interArrivalUs.count, 4, 'the gap after emissions 1, 3, 5 and 7');
    assert.equal(p.sources['T']!.emitted, 0);
    const lock = p.locks['table']!;
    assert.equal(lock.mode, 'shared');
    assert.equal(lock.acquisitions, 8);
    assert.equal(lock.contended, 0);
    assert.equal(lock.waitUs.count, 4);
    assert.equal(lock.waitUs.maxUs, 0, 'uncontended: no wait');
    assert.equal(lock.holdUs.count, 4);
    assert.ok(lock.holdUs.minUs >= 1000, 'held across the call: at least one fake ms');
    assert.equal(lock.exclusiveAcquisitions, 0);
    assert.equal(lock.exclusiveHoldUs.count, 0);
    assert.equal(p.connections.maxOpen, 3);
    assert.ok(Math.abs(p.connections.meanOpen - 3) < 0.01, `${p.connections.meanOpen}`);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON');
  });

  it('counts contended acquisitions and their wait', async () => {
    let t = 0;
    const clock = { now: () => t++, cpu: () => 0 };
    const stats = new StatsRecorder(lockedPlan, { timingSampleEvery: 1 }, () => 0);
    const locks = new EventLockManager(lockedPlan.locks);
    const interp = new Interpreter(lockedPlan, { locks, stats, clock, reportError: () => {} });
    // A writer outside the interpreter holds the lock, so the flows' reads wait.
    const writer = [{ lock: 0, mode: 'write' as const, elevated: false }];
    assert.equal(locks.acquire(writer, undefined), null);
    const flows = [interp.run(0, [1]), interp.run(0, [2])];
    locks.release(writer, undefined);
    await Promise.all(flows);
    const lock = stats.snapshot('event').profile.locks['table']!;
    assert.equal(lock.acquisitions, 2);
    assert.equal(lock.contended, 2);
    assert.equal(lock.waitUs.count, 2);
    assert.ok(lock.waitUs.minUs > 0);
  });

  it('keeps exclusive holds apart when a lock is taken both ways', async () => {
    let t = 0;
    const clock = { now: () => t++, cpu: () => 0 };
    const stats = new StatsRecorder(lockedPlan, { timingSampleEvery: 1 }, () => 0);
    const interp = new Interpreter(lockedPlan, { locks: new EventLockManager(lockedPlan.locks), stats, clock, reportError: () => {} });
    for (let i = 0; i < 3; i++) await interp.run(0, [i]);
    for (let i = 0; i < 2; i++) await interp.run(1, [i]);
    const lock = stats.snapshot('event').profile.locks['table']!;
    assert.equal(lock.mode, 'mixed');
    assert.equal(lock.acquisitions, 5);
    assert.equal(lock.exclusiveAcquisitions, 2);
    assert.equal(lock.holdUs.count, 5);
    assert.equal(lock.exclusiveHoldUs.count, 2);
  });

  it('merges profiles: histograms summed, span covering all, modes combined', () => {
    const a = runFlows(1, 3);
    const b = runFlows(1, 5);
    b.profile.startedAt = a.profile.startedAt + 1000;
    const m = mergeSnapshots([a, b], 'workers');
    assert.equal(m.version, 2);
    assert.equal(m.profile.nodes['X']!.cpuUs.count, 8);
    assert.equal(m.profile.flowUs.count, 8);
    assert.equal(m.profile.sources['S']!.emitted, 8);
    assert.equal(m.profile.threads, 2);
    assert.equal(m.profile.startedAt, a.profile.startedAt);
    assert.ok(m.profile.durationMs >= 1000 + b.profile.durationMs - 1e-3);
    const lockA = { mode: 'shared' as const, acquisitions: 1, contended: 0, waitUs: a.profile.flowUs, holdUs: a.profile.flowUs, exclusiveAcquisitions: 0, exclusiveHoldUs: a.profile.flowUs };
    a.profile.locks['L'] = lockA;
    b.profile.locks['L'] = { ...lockA, mode: 'exclusive' };
    assert.equal(mergeSnapshots([a, b]).profile.locks['L']!.mode, 'mixed');
    assert.equal(mergeSnapshots([a, b]).profile.locks['L']!.acquisitions, 2);
  });
});
