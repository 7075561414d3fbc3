import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId as mainThreadId } from 'node:worker_threads';
import { P, startTestServer, withTimeout } from './helpers.ts';

test('threadpool: node code runs on the pool\'s worker threads, never on the main thread', async () => {
  const t = await startTestServer('threadpool', { threads: 2 });
  try {
    const ids: number[] = t.instance.threadIds();
    assert.equal(ids.length, 2);
    const outcomes = await withTimeout(Promise.all(Array.from({ length: 40 }, (_, key) => t.emit('where', key))), 'flows');
    for (const o of outcomes) assert.equal(o.status, 'ok');
    for (let key = 0; key < 40; key++) {
      assert.equal(t.probe[P.whereMain + key], 1, `flow ${key} ran off the main thread`);
      const tid = t.probe[P.where + key]! - 1;
      assert.notEqual(tid, mainThreadId);
      assert.ok(ids.includes(tid), `flow ${key} ran on thread ${tid}, not one of the pool's ${ids}`);
    }
  } finally {
    await t.stop();
  }
});
