/**
 * The slow-reader suite, run by test/slow-reader/<runtime>.test.ts: a client that stops reading. The others
 * keep getting every tick on time, the slow one's frames are skipped once its unsent bytes pass slowBytes, and
 * it is dropped when it stays behind. Frames are made large (40 players with long names, 100 ticks a second)
 * so the kernel's buffers fill in seconds.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuntimeKind } from '@flux/runtime';
import { TestClient, eventually } from './client.ts';
import { clientFrame, rawConnect } from './raw-client.ts';
import { startGame, world } from './game-server.ts';

const TICK_HZ = 100;

/** The suite for one runtime (a file per runtime keeps each file's time bounded). */
export function slowReaderSuite(runtime: RuntimeKind): void {
  describe(`slow reader (${runtime})`, { timeout: 50_000 }, () => {
    it('is skipped, then dropped, and never delays the others', async () => {
      const game = await startGame(runtime, {
        fullState: true, tickHz: TICK_HZ, slowBytes: 16 * 1024, slowDropMs: 500, maxNameLength: 63, heartbeatMs: 60_000,
      });
      const others: TestClient[] = [];
      try {
        const name = '\u{1F600}'.repeat(63);
        for (let i = 0; i < 40; i++) others.push((await TestClient.joined(game.url, name)).client);
        const slow = await rawConnect(game.port);
        slow.write(clientFrame('{"type":"join","name":"slow"}'));
        slow.pause(); // never reads again
        let slot = -1;
        await eventually(() => {
          for (const s of world().slots()) if (world().nameOf(s) === 'slow') slot = s;
          return slot >= 0;
        }, 10_000, 'the slow client joined');
        const watcher = others[0]!;
        const from = watcher.states().length;
        let skipped = false;
        await eventually(() => {
          if (world().lagSince[slot]! > 0) skipped = true;
          return world().awaySince[slot]! >= 0 || world().ident[slot] === 0;
        }, 40_000, 'the slow client dropped');
        assert.ok(skipped, 'its frames were skipped before it was dropped');
        const seen = watcher.states().slice(from);
        assert.ok(seen.length > 10, `the watcher got ${seen.length} states meanwhile`);
        // The watcher got the ticks in order, with no tick waiting on the slow reader: the longest gap
        // between two states it received is far below the time the slow client took to be dropped.
        let longest = 0;
        for (let i = 1; i < seen.length; i++) {
          assert.ok(seen[i]!.tick > seen[i - 1]!.tick);
          longest = Math.max(longest, seen[i]!.time - seen[i - 1]!.time);
        }
        const span = seen.at(-1)!.time - seen[0]!.time;
        assert.ok(longest < Math.max(1_000, span / 4), `a gap of ${longest} ms in ${span} ms`);
        slow.destroy();
      } finally {
        for (const c of others) c.terminate();
        await game.stop();
      }
    });
  });
}
