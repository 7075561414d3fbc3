/**
 * Admission control: a flow the runtime refuses is answered 503 by the target's own handler (`handle error Page`),
 * and service goes on. Under `thread` with one worker at most and no wait queue, a connection whose request arrives
 * while the worker runs another connection's flow is refused; one that arrives while the worker is idle (the other
 * connection still open) is served on it.
 */

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { availableRuntimes, get, imageDirectory } from './helpers.ts';
import { startScaler } from '../src/server.ts';

const images = await imageDirectory();
after(() => images.remove());

if ((await availableRuntimes()).includes('thread')) {
  test('under thread with one worker and no queue: a request while the worker runs another gets 503; an idle connection does not hold it', async () => {
    const server = await startScaler({ runtime: 'thread', threads: 1, maxThreads: 1, queueLimit: 0, options: { images: images.dir } });
    const agents = [new Agent({ keepAlive: true, maxSockets: 1 }), new Agent({ keepAlive: true, maxSockets: 1 })];
    try {
      // Two connections at once on a fresh server: the first request's flow holds the worker while it starts
      // (tens of milliseconds), so the other one finds it busy, and there is no queue to wait in.
      const replies = await Promise.all(agents.map((agent, i) => get(server.url, `/images/landscape.jpg?w=${20 + i}`, { agent })));
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 503]);
      const refused = replies.find((r) => r.status === 503)!;
      assert.equal(JSON.parse(refused.body.toString()).error, 'SCALER_ERR_OVERLOADED');
      // The served connection stays open and idle: a new connection is served on its worker, and so is it after.
      const served = agents[replies.findIndex((r) => r.status === 200)]!;
      assert.equal((await get(server.url, '/images/landscape.jpg?w=22')).status, 200);
      assert.equal((await get(server.url, '/images/landscape.jpg?w=23', { agent: served })).status, 200);
    } finally {
      for (const agent of agents) agent.destroy();
      await server.stop();
    }
  });
}
