/**
 * The game over WebSockets under every runtime: join, move, the speed cap, a tag and its score, leaving,
 * rejoining by token, and the page served at /.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RUNTIMES } from './helpers/runtimes.ts';
import { TestClient, eventually, type State } from './helpers/client.ts';
import { startGame, world } from './helpers/game-server.ts';

const SPEED = 240;

for (const runtime of RUNTIMES) {
  describe(`play (${runtime})`, { timeout: 60_000 }, () => {
    let game: Awaited<ReturnType<typeof startGame>>;
    const clients: TestClient[] = [];
    const join = async (name: string) => {
      const joined = await TestClient.joined(game.url, name);
      clients.push(joined.client);
      return joined;
    };
    before(async () => {
      game = await startGame(runtime, { speed: SPEED });
    });
    after(async () => {
      for (const c of clients) c.terminate();
      await game?.stop();
    });

    it('serves the page, its script and 404 elsewhere', async () => {
      const page = await fetch(`${game.url}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      assert.match(await page.text(), /client\.js/);
      const script = await fetch(`${game.url}/client.js`);
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type')!, /^text\/javascript/);
      await script.arrayBuffer();
      const missing = await fetch(`${game.url}/nope`);
      assert.equal(missing.status, 404);
      await missing.arrayBuffer();
      const post = await fetch(`${game.url}/`, { method: 'POST', body: 'x' });
      assert.equal(post.status, 405);
      await post.arrayBuffer();
    });

    it('welcomes a player and sends states with it in them', async () => {
      const { client, welcome } = await join('ann');
      assert.equal(welcome.type, 'welcome');
      assert.deepEqual(welcome.arena, { w: 400, h: 300 });
      assert.equal(welcome.tickHz, 20);
      assert.match(welcome.token, /^[0-9a-z]+\.[\w-]{22}$/);
      const state = await client.nextState((s) => s.players.some((p) => p.id === welcome.id));
      assert.deepEqual(Object.keys(state), ['type', 'tick', 'time', 'it', 'players']);
      const me = state.players.find((p) => p.id === welcome.id)!;
      assert.equal(me.name, 'ann');
      assert.equal(me.score, 0);
      assert.ok(Math.abs(state.time - Date.now()) < 5_000);
      const later = await client.nextState();
      assert.ok(later.tick > state.tick);
      await client.close();
      await eventually(() => world().get(welcome.id) === undefined, 5_000, 'the player gone after a close with 1000');
    });

    it('moves players at the capped speed whatever they send', async () => {
      const { client, welcome } = await join('fast');
      const first = await client.nextState((s) => s.players.some((p) => p.id === welcome.id));
      const start = first.players.find((p) => p.id === welcome.id)!;
      const dx = start.x < 200 ? 1e9 : -1e9;
      client.input(dx, 1e9);
      const from = await client.nextState((s) => {
        const me = s.players.find((p) => p.id === welcome.id)!;
        return me.x !== start.x;
      });
      const to = await client.nextState((s) => s.tick >= from.tick + 3);
      const a = from.players.find((p) => p.id === welcome.id)!;
      const b = to.players.find((p) => p.id === welcome.id)!;
      const moved = Math.hypot(b.x - a.x, b.y - a.y);
      const allowed = (SPEED * (to.time - from.time)) / 1000 + 2; // rounding to whole units
      assert.ok(moved <= allowed, `moved ${moved} in ${to.time - from.time} ms, allowed ${allowed}`);
      assert.ok(Math.sign(b.x - a.x) === Math.sign(dx) || b.x === 14 || b.x === 386, `moved the wrong way: ${a.x} -> ${b.x}`);
      await client.close();
    });

    it('tags by contact, scores the tagger, and shows the new "it" to both', async () => {
      const one = await join('one');
      const two = await join('two');
      const ids = [one.welcome.id, two.welcome.id];
      const first = await one.client.nextState((s) => ids.every((id) => s.players.some((p) => p.id === id)) && ids.includes(s.it!));
      const chaserId = first.it!;
      const [chaser, target] = chaserId === one.welcome.id ? [one, two] : [two, one];
      const scoreBefore = first.players.find((p) => p.id === chaserId)!.score;
      let tagged: State | undefined;
      const deadline = Date.now() + 20_000;
      while (tagged === undefined && Date.now() < deadline) {
        const s = await chaser.client.nextState();
        if (s.it === target.welcome.id) {
          tagged = s;
          break;
        }
        const c = s.players.find((p) => p.id === chaserId)!;
        const t = s.players.find((p) => p.id === target.welcome.id)!;
        chaser.client.input(t.x - c.x, t.y - c.y); // clamped by the server
      }
      assert.ok(tagged !== undefined, 'the chaser caught the target');
      assert.equal(tagged.players.find((p) => p.id === chaserId)!.score, scoreBefore + 1);
      const seen = await target.client.nextState((s) => s.it === target.welcome.id);
      assert.equal(seen.players.find((p) => p.id === chaserId)!.score, scoreBefore + 1);
      await chaser.client.close();
      await target.client.close();
    });

    it('keeps a dropped player for the grace period and gives it back by token', async () => {
      const watcher = await join('watcher');
      const { client, welcome } = await join('dropper');
      await client.nextState((s) => s.players.some((p) => p.id === welcome.id));
      client.terminate(); // no close frame: a dropped connection
      await eventually(() => world().get(welcome.id)?.awaySince !== -1, 5_000, 'the player marked away');
      const during = await watcher.client.nextState();
      assert.ok(during.players.some((p) => p.id === welcome.id), 'still in the world while away');
      const again = await TestClient.open(game.url);
      clients.push(again);
      const back = await again.rejoin(welcome.token);
      assert.equal(back.id, welcome.id);
      assert.equal(back.token, welcome.token);
      await again.nextState((s) => s.players.some((p) => p.id === welcome.id));
      again.input(1, 0);
      await eventually(() => world().get(welcome.id)?.dx === 1, 5_000, 'the rejoined connection steers the player');

      // A second rejoin elsewhere replaces the first connection (4008).
      const third = await TestClient.open(game.url);
      clients.push(third);
      assert.equal((await third.rejoin(welcome.token)).id, welcome.id);
      assert.equal(await again.closeCode(), 4008);

      // Past the grace period the player is gone and its token refused (4004).
      third.terminate();
      await eventually(() => world().get(welcome.id) === undefined, 8_000, 'the player gone after the grace period');
      const late = await TestClient.open(game.url);
      late.send({ type: 'join', token: welcome.token });
      assert.equal(await late.closeCode(), 4004);
      await watcher.client.close();
    });
  });
}
