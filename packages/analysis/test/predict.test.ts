import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { operationalBounds } from '../src/predict/operational-bounds.ts';
import { fitUsl, uslThroughput } from '../src/predict/usl.ts';
import { compileRuntime } from '../src/simulate/compile.ts';
import { histogramOf } from '../src/simulate/distribution.ts';
import { buildModel } from '../src/simulate/model.ts';
import { loadProgram } from '../src/simulate/run.ts';
import { DEFAULT_COSTS } from '../src/simulate/runtime-costs.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test('operational bounds: the lock binds a lock-bound program, the cores a CPU-bound one', () => {
  const ir = loadProgram(fixture('locked.flux'));
  const h = (v: number) => histogramOf([v, v]);
  const profile = { nodes: {}, profile: { nodes: { Prepare: { cpuUs: h(50), wallUs: h(50) }, Commit: { cpuUs: h(100), wallUs: h(100) } } } };
  const model = buildModel(ir, profile);
  const costs = { ...DEFAULT_COSTS, netUs: 0, poolMainUs: 0, poolWorkerUs: 0 };
  const wide = operationalBounds({ model, compiled: compileRuntime(model, { runtime: 'threadpool', cores: 8, threads: 8, ioUs: 0, clientCpuUs: 0, costs }), cores: 8 }, [1, 1000]);
  assert.equal(wide[1]!.limit, 'lock state');
  assert.ok(Math.abs(wide[1]!.throughput - 10000) < 1e-6);
  assert.ok(Math.abs(wide[1]!.p50Ms - 1000 / 10000 * 1000) < 1e-6, 'Little: 1000 connections at 10k/s wait 100 ms');
  const narrow = operationalBounds({ model, compiled: compileRuntime(model, { runtime: 'threadpool', cores: 1, threads: 1, ioUs: 0, clientCpuUs: 0, costs }), cores: 1 }, [1000]);
  assert.equal(narrow[0]!.limit, '1 core');
  assert.ok(Math.abs(narrow[0]!.throughput - 1e6 / 150) < 1e-6);
  // Under event the lock is elided (its one user is synchronous), and the one thread is the limit.
  const event = operationalBounds({ model, compiled: compileRuntime(model, { runtime: 'event', cores: 8, ioUs: 0, clientCpuUs: 0, costs }), cores: 8 }, [1000]);
  assert.equal(event[0]!.limit, 'the connection thread');
});

test('USL: two points fit Amdahl exactly; more points recover kappa', () => {
  const truth = { lambda: 1000, sigma: 0.05, kappa: 0.0001, points: 0 };
  const at = (n: number) => ({ connections: n, throughput: uslThroughput(truth, n) });
  const two = fitUsl([at(1), { connections: 10, throughput: 1000 * 10 / (1 + 0.05 * 9) }]);
  assert.ok(Math.abs(two.sigma - 0.05) < 1e-9 && two.kappa === 0);
  const many = fitUsl([at(1), at(10), at(100), at(1000)]);
  assert.ok(Math.abs(many.sigma - 0.05) < 1e-6, String(many.sigma));
  assert.ok(Math.abs(many.kappa - 0.0001) < 1e-9, String(many.kappa));
  assert.throws(() => fitUsl([at(10)]), /1 connection/);
});
