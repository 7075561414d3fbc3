import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '@flux/compiler';
import type { SourceContext } from '../../src/api.ts';
import { start } from '../../src/start.ts';
import { withTimeout } from './helpers.ts';

const programFile = fileURLToPath(new URL('./fixtures/deadlock/deadlock.flux', import.meta.url));

for (const runtime of ['threadpool', 'thread'] as const) {
  test(`${runtime}: the 2006 deadlock program under load does not hang`, async () => {
    const { ir } = compile(readFileSync(programFile, 'utf8'), programFile);
    assert.ok(ir);
    const contexts = new Map<string, SourceContext<[number]>>();
    const server = await start({
      ir,
      implementation: new URL('./fixtures/deadlock/deadlock.ts', import.meta.url),
      runtime,
      threads: 2,
      maxThreads: 8,
      options: { onSource: (name: string, ctx: SourceContext<[number]>) => contexts.set(name, ctx) },
    });
    try {
      await withTimeout(
        (async () => {
          while (contexts.size < 2) await new Promise((resolve) => setTimeout(resolve, 5));
        })(),
        'sources',
      );
      const a = contexts.get('A')!;
      const b = contexts.get('B')!;
      // thread runs each flow without a session on a worker of its own: fewer flows, same interleaving.
      const n = runtime === 'thread' ? 6 : 400;
      const flows = [];
      for (let i = 0; i < n; i++) flows.push(a.emit(i), b.emit(i));
      const outcomes = await withTimeout(Promise.all(flows), `${2 * n} flows of A and B`, 20_000);
      const notOk = outcomes.filter((o) => o.status !== 'ok');
      if (runtime === 'thread') assert.ok(notOk.every((o) => o.status === 'overload'), JSON.stringify(notOk));
      else assert.deepEqual(notOk, []);
    } finally {
      await withTimeout(server.stop({ deadlineMs: 2000 }), 'stop', 10_000);
    }
  });
}
