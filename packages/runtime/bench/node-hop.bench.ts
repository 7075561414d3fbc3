/**
 * One node hop under the `event` interpreter: a flow through 1 and through 11 synchronous nodes; the
 * difference / 10 is the cost of one hop (call, output check, stats, path/edge counting).
 * Run: node bench/node-hop.bench.ts
 */

import type { Implementation } from '../src/api.ts';
import { Interpreter } from '../src/flow/interpreter.ts';
import { EventLockManager } from '../src/locks/event-lock-manager.ts';
import { buildPlan } from '../src/plan/build.ts';
import { systemClock } from '../src/stats/clock.ts';
import { StatsRecorder } from '../src/stats/recorder.ts';
import type { Clock } from '../src/flow/env.ts';
import { chainProgram, measure } from './common.ts';

const frozenClock: Clock = { now: () => 0, cpu: () => 0 };

function interpreterFor(length: number, clock: Clock, timingSampleEvery: number): Interpreter {
  const ir = chainProgram(length);
  const nodes: Record<string, (n: number) => [number]> = {};
  for (let i = 0; i < length; i++) nodes[`N${i}`] = (n: number) => [n + 1];
  const impl: Implementation = { nodes, sources: { Src: () => {} } };
  const plan = buildPlan(ir, impl, { elideSyncLocks: true });
  return new Interpreter(plan, {
    locks: new EventLockManager(plan.locks),
    stats: new StatsRecorder(plan, { timingSampleEvery }),
    clock,
    reportError: () => {},
  });
}

const loop = (interp: Interpreter) => (ops: number) => {
  const input = [0];
  for (let i = 0; i < ops; i++) {
    const outcome = interp.run(0, input);
    if (outcome instanceof Promise) throw new Error('a synchronous flow must finish synchronously');
  }
};

for (const [label, clock, every] of [
  ['stats on (default: 1 call in 64 timed)', systemClock, 64],
  ['every call timed (wall + CPU)', systemClock, 1],
  ['timing off', systemClock, 0],
  ['no clock reads (frozen clock)', frozenClock, 0],
] as const) {
  const one = await measure(`flow of 1 node, ${label}`, loop(interpreterFor(1, clock, every)));
  const eleven = await measure(`flow of 11 nodes, ${label}`, loop(interpreterFor(11, clock, every)));
  process.stdout.write(`=> one node hop, ${label}: ${((eleven.medianNs - one.medianNs) / 10).toFixed(1)} ns\n\n`);
}
