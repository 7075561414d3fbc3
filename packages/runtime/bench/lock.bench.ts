/**
 * An uncontended lock under `event`: the RWLock itself, the EventLockManager (one write lock), and a node hop
 * with a real (non-elided) lock against one whose lock is elided.
 * Run: node bench/lock.bench.ts
 */

import type { Implementation } from '../src/api.ts';
import { Interpreter } from '../src/flow/interpreter.ts';
import { EventLockManager } from '../src/locks/event-lock-manager.ts';
import { RWLock } from '../src/locks/rwlock.ts';
import { buildPlan } from '../src/plan/build.ts';
import { systemClock } from '../src/stats/clock.ts';
import { StatsRecorder } from '../src/stats/recorder.ts';
import { chainProgram, measure } from './common.ts';

const lock = new RWLock();
await measure('RWLock tryWrite + releaseWrite', (ops) => {
  for (let i = 0; i < ops; i++) {
    if (!lock.tryWrite()) throw new Error('contended');
    lock.releaseWrite();
  }
}, { ops: 2_000_000 });
await measure('RWLock tryRead + releaseRead', (ops) => {
  for (let i = 0; i < ops; i++) {
    if (!lock.tryRead()) throw new Error('contended');
    lock.releaseRead();
  }
}, { ops: 2_000_000 });

const manager = new EventLockManager([{ name: 'l', scope: 'program' }]);
const uses = [{ lock: 0, mode: 'write', elevated: false }] as const;
await measure('EventLockManager acquire + release (1 write lock)', (ops) => {
  for (let i = 0; i < ops; i++) {
    if (manager.acquire(uses, undefined) !== null) throw new Error('contended');
    manager.release(uses, undefined);
  }
}, { ops: 2_000_000 });

function flowWith(locked: boolean, asyncNodes: boolean): Interpreter {
  const ir = chainProgram(10, { locked });
  const nodes: Record<string, (n: number) => [number] | Promise<[number]>> = {};
  for (let i = 0; i < 10; i++) {
    // An async function keeps the lock from being elided; awaiting nothing keeps the comparison fair.
    nodes[`N${i}`] = asyncNodes ? async (n: number) => [n + 1] : (n: number) => [n + 1];
  }
  const impl: Implementation = { nodes, sources: { Src: () => {} } };
  const plan = buildPlan(ir, impl, { elideSyncLocks: true });
  return new Interpreter(plan, { locks: new EventLockManager(plan.locks), stats: new StatsRecorder(plan), clock: systemClock, reportError: () => {} });
}

const syncLoop = (interp: Interpreter) => (ops: number) => {
  const input = [0];
  for (let i = 0; i < ops; i++) interp.run(0, input);
};
const unlocked = await measure('10 sync nodes, no lock', syncLoop(flowWith(false, false)), { ops: 100_000 });
const elided = await measure('10 sync nodes, each taking lock l (elided under event)', syncLoop(flowWith(true, false)), { ops: 100_000 });
process.stdout.write(`=> elided lock, per node: ${((elided.medianNs - unlocked.medianNs) / 10).toFixed(1)} ns\n`);

const asyncLoop = (interp: Interpreter) => async (ops: number) => {
  const input = [0];
  for (let i = 0; i < ops; i++) await interp.run(0, input);
};
const asyncUnlocked = await measure('10 async nodes, no lock', asyncLoop(flowWith(false, true)), { ops: 20_000 });
const asyncLocked = await measure('10 async nodes, each taking lock l (real, uncontended)', asyncLoop(flowWith(true, true)), { ops: 20_000 });
process.stdout.write(`=> uncontended real lock, per node: ${((asyncLocked.medianNs - asyncUnlocked.medianNs) / 10).toFixed(1)} ns\n`);
