/**
 * emit -> flow end for a 3-node flow under `event`, through `start` (what a source sees): sequential
 * (`await emit` one at a time) and 100 flows in flight at once.
 * Run: node bench/emit.bench.ts
 */

import type { SourceContext } from '../src/api.ts';
import { start } from '../src/start.ts';
import { chainProgram, measure } from './common.ts';
import { contexts } from './emit-impl.ts';

for (const asyncNodes of [false, true]) {
  const implementation = new URL(asyncNodes ? './emit-impl-async.ts' : './emit-impl.ts', import.meta.url);
  const server = await start({ ir: chainProgram(3), implementation, runtime: 'event', onError: () => {} });
  const ctx: SourceContext = await contexts.get(asyncNodes)!;
  const kind = asyncNodes ? 'async' : 'sync';
  await measure(`emit -> end, 3 ${kind} nodes, one flow at a time`, async (ops) => {
    for (let i = 0; i < ops; i++) await ctx.emit(i);
  }, { ops: 50_000 });
  await measure(`emit -> end, 3 ${kind} nodes, 100 in flight (per flow)`, async (ops) => {
    const batch = new Array<Promise<unknown>>(100);
    for (let i = 0; i < ops; i += 100) {
      for (let j = 0; j < 100; j++) batch[j] = ctx.emit(i + j);
      await Promise.all(batch);
    }
  }, { ops: 50_000 });
  await server.stop();
}
