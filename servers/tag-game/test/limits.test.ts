/**
 * The WebSocket's limits under every runtime: malformed, oversize, binary, unknown and out-of-order messages
 * closed with their codes, a flood past the rate limit, the Origin allow-list, the join timeout, and that a
 * refused client leaves the others playing.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RUNTIMES } from './helpers/runtimes.ts';
import { TestClient } from './helpers/client.ts';
import { startGame } from './helpers/game-server.ts';

for (const runtime of RUNTIMES) {
  describe(`limits (${runtime})`, { timeout: 60_000 }, () => {
    let game: Awaited<ReturnType<typeof startGame>>;
    let bystander: TestClient;
    before(async () => {
      game = await startGame(runtime, { allowOrigin: ['https://friend.example'], joinTimeoutMs: 1_500, rateLimit: 20, rateBurst: 30 });
      bystander = (await TestClient.joined(game.url, 'bystander')).client;
    });
    after(async () => {
      bystander?.terminate();
      await game?.stop();
    });

    const closedWith = async (send: (client: TestClient) => void, code: number, join = false) => {
      const client = await TestClient.open(game.url);
      if (join) await client.join('victim');
      send(client);
      assert.equal(await client.closeCode(), code);
    };

    it('closes malformed JSON with 4000', () => closedWith((c) => c.send('{not json'), 4000));
    it('closes a non-object with 4000', () => closedWith((c) => c.send('[1,2]'), 4000));
    it('closes an input with a string direction with 4000', () => closedWith((c) => c.send({ type: 'input', seq: 1, dx: '1', dy: 0 }), 4000, true));
    it('closes a binary frame with 4000', () => closedWith((c) => c.ws.send(Buffer.from('{"type":"join"}'), { binary: true }), 4000));
    it('closes an unknown type with 4001', () => closedWith((c) => c.send({ type: 'teleport', x: 1, y: 1 }), 4001));
    it('closes an input before a join with 4003', () => closedWith((c) => c.send({ type: 'input', seq: 1, dx: 1, dy: 0 }), 4003));
    it('closes a second join with 4003', () => closedWith((c) => c.send({ type: 'join', name: 'again' }), 4003, true));
    it('closes an unknown token with 4004', () => closedWith((c) => c.send({ type: 'join', token: 'zz.AAAAAAAAAAAAAAAAAAAAAA' }), 4004));
    it('closes a frame over maxPayload with 1009', () => closedWith((c) => c.send({ type: 'join', name: 'x'.repeat(2_000) }), 1009));

    it('closes a flood past the rate limit with 4002', async () => {
      const client = await TestClient.open(game.url);
      await client.join('flooder');
      for (let i = 0; i < 200; i++) client.input(1, 0);
      assert.equal(await client.closeCode(), 4002);
    });

    it('closes a connection that does not join in time with 4007', async () => {
      const client = await TestClient.open(game.url);
      assert.equal(await client.closeCode(5_000), 4007);
    });

    it('allows the own origin, listed origins and none; refuses others with 403', async () => {
      for (const origin of [game.url, 'https://friend.example', undefined]) {
        const client = await TestClient.open(game.url, { origin });
        client.terminate();
      }
      await assert.rejects(TestClient.open(game.url, { origin: 'https://evil.example' }), { status: 403 });
      await assert.rejects(TestClient.open(game.url, { origin: 'null' }), { status: 403 });
    });

    it('keeps serving the others meanwhile', async () => {
      const before = bystander.states().length;
      const state = await bystander.nextState();
      assert.ok(bystander.states().length > before);
      assert.equal(state.type, 'state');
    });
  });
}
