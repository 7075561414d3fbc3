/**
 * The churn suite, run by test/churn/<runtime>.test.ts: 2,000 connect / join / leave cycles, 25 at a time:
 * afterwards no player is left in the world, no connection or timer is left on the thread that ran the
 * sockets, and the heap has not grown with the cycles. Nine cycles in ten leave with a close (1000); every
 * tenth drops its connection and comes back by token first.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuntimeKind } from '@flux/runtime';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TestClient, eventually } from './client.ts';
import { startGame, world } from './game-server.ts';
import { open } from '../../src/net/listen.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CYCLES = 2_000;
const AT_ONCE = 25;

async function cycle(url: string, n: number): Promise<void> {
  const { client, welcome } = await TestClient.joined(url, `p${n}`);
  if (n % 10 !== 0) {
    await client.close(1000);
    return;
  }
  // Dropped, then back by token, then gone for good.
  client.terminate();
  await client.closed;
  const again = await TestClient.open(url);
  await again.rejoin(welcome.token);
  await again.close(1000);
}

async function run(url: string, from: number, count: number): Promise<void> {
  let next = from;
  const end = from + count;
  await Promise.all(Array.from({ length: AT_ONCE }, async () => {
    while (next < end) await cycle(url, next++);
  }));
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** The suite for one runtime (a file per runtime keeps each file's time bounded). */
export function churnSuite(runtime: RuntimeKind): void {
  describe(`churn (${runtime})`, { timeout: 55_000 }, () => {
    it(`${CYCLES} cycles leave no player, socket, timer or heap behind`, async () => {
      const game = await startGame(runtime, { graceMs: 60_000 });
      try {
        await run(game.url, 0, 200);
        await eventually(() => world().size === 0, 10_000, 'the world empty after the warm-up');
        const heapBefore = heapAfterGc();
        const handlesBefore = handles();
        await run(game.url, 200, CYCLES - 200);
        await eventually(() => world().size === 0, 10_000, `the world empty (${world().size} players left)`);
        await eventually(() => open.size === 0, 10_000, `no connection open on main (${open.size})`);
        // Closed sockets and their timers go within a moment.
        await eventually(() => {
          const now = handles();
          return (now['TCPSocketWrap'] ?? 0) <= (handlesBefore['TCPSocketWrap'] ?? 0) && (now['Timeout'] ?? 0) <= (handlesBefore['Timeout'] ?? 0) + 2;
        }, 10_000, `handles back to ${JSON.stringify(handlesBefore)} (now ${JSON.stringify(handles())})`);
        const grown = heapAfterGc() - heapBefore;
        assert.ok(grown < 6 * 1024 * 1024, `the heap grew by ${(grown / 1048576).toFixed(1)} MiB over ${CYCLES - 200} cycles`);
        const stats = await game.server.stats();
        const connections = stats.figures['connections'];
        if (typeof connections === 'number') assert.equal(connections, 0, 'no connection open on any thread');
      } finally {
        await game.stop();
      }
    });
  });
}
