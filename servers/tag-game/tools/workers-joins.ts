/**
 * Reproduces why Listen runs once under `workers`: with Listen on every worker (src/tag-game-every-worker.ts),
 * 400 players joining at once while the joined ones send inputs 20 times a second leave some joins waiting
 * forever (their flows never end: on one worker nearly every connection had a flow in flight after 10 s).
 *
 *   node servers/tag-game/tools/workers-joins.ts [--players 400] [--seconds 10]
 *
 * Prints, for the default implementation and the every-worker one, how many of the players were welcomed.
 */

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { tagGame } from '../src/server.ts';

const { values } = parseArgs({ options: { players: { type: 'string', default: '400' }, seconds: { type: 'string', default: '10' }, bots: { type: 'string' } } });

if (values.bots !== undefined) {
  const [port, count, seconds] = values.bots.split(':').map(Number) as [number, number, number];
  let welcomed = 0;
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    let seq = 0;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'join', name: `p${i}` })));
    ws.on('message', (data: Buffer) => {
      if (!data.subarray(0, 20).toString().includes('welcome')) return;
      welcomed++;
      setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(`{"type":"input","seq":${++seq},"dx":1,"dy":0}`), 50);
    });
    ws.on('error', () => {});
  }
  setTimeout(() => process.send!(welcomed, () => process.exit(0)), seconds * 1000);
} else {
  const players = Number(values.players);
  for (const [label, implementation] of [
    ['Listen once (default)', undefined],
    ['Listen on every worker', new URL('../src/tag-game-every-worker.ts', import.meta.url)],
  ] as const) {
    const game = await tagGame.start({ runtime: 'workers', implementation, options: { maxClients: players + 10 } });
    const counts = await Promise.all([0, 1].map((i) => new Promise<number>((resolve) => {
      const child = fork(fileURLToPath(import.meta.url), ['--bots', `${game.port}:${Math.floor(players / 2) + (i === 0 ? players % 2 : 0)}:${values.seconds}`]);
      child.once('message', (n) => resolve(n as number));
    })));
    console.log(`${label}: ${counts[0]! + counts[1]!} of ${players} welcomed within ${values.seconds} s (${counts.join(" + ")})`);
    await game.stop();
  }
}
