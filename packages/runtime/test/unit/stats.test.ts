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
  for (let i = 0; i < flows; i++) interp.run(0, [i]);
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
