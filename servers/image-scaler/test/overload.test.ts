/**
 * Admission control: a flow the runtime refuses is answered 503 by the target's own handler (`handle error Page`),
 * and service goes on. Under `thread` with one thread at most and no queue, a second connection needs a second worker and is refused.
 */

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableRuntimes, get, imageDirectory } from './helpers.ts';
import { startScaler } from '../src/server.ts';

const images = await imageDirectory();
after(() => images.remove());

if ((await availableRuntimes()).includes('thread')) {
  test('under thread with one thread and no queue: a second connection gets 503 while the first holds the worker', async () => {
    const server = await startScaler({ runtime: 'thread', maxThreads: 1, queueLimit: 0, options: { images: images.dir } });
    const first = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      assert.equal((await get(server.url, '/images/landscape.jpg?w=20', { agent: first })).status, 200);
      const refused = await get(server.url, '/images/landscape.jpg?w=21');
      assert.equal(refused.status, 503);
      assert.equal(JSON.parse(refused.body.toString()).error, 'SCALER_ERR_OVERLOADED');
      // The first connection still works; once it closes its worker retires and others are served again.
      assert.equal((await get(server.url, '/images/landscape.jpg?w=22', { agent: first })).status, 200);
      first.destroy();
      let status = 0;
      for (let attempt = 0; attempt < 200 && status !== 200; attempt++) {
        status = (await get(server.url, '/images/landscape.jpg?w=23')).status;
        if (status !== 200) await sleep(50);
      }
      assert.equal(status, 200);
    } finally {
      first.destroy();
      await server.stop();
    }
  });
}
