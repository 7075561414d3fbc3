/**
 * What sending one state to every player costs the server, two ways: `ws.send(payload)` per connection (ws
 * frames the payload on every call) against one frame built once (src/net/frames.ts) and written as the same
 * bytes to every socket (what SendData does through io). Readers run in a child process and discard.
 *
 *   node servers/tag-game/tools/send-cost.ts [--clients 1000] [--bytes 1024,32768] [--ticks 40] [--rounds 5]
 *
 * Prints, per payload size and way, the median over rounds of the server's CPU per tick (user + system,
 * until every socket has flushed), rounds alternating between the two ways.
 */

import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import type { Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from '../src/net/frames.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    bytes: { type: 'string', default: '1024,32768' },
    ticks: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '5' },
    reader: { type: 'string' },
  },
});

if (values.reader !== undefined) {
  // The child: open the connections, read and discard.
  const [port, count] = values.reader.split(':').map(Number);
  let open = 0;
  for (let i = 0; i < count!; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    ws.on('open', () => {
      if (++open === count) process.send!('ready');
    });
    ws.on('message', () => {});
    ws.on('error', () => {});
  }
  process.on('disconnect', () => process.exit(0));
} else {
  const clients = Number(values.clients);
  const ticks = Number(values.ticks);
  const rounds = Number(values.rounds);
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => sockets.push(ws));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const child = fork(new URL(import.meta.url).pathname, ['--reader', `${port}:${clients}`]);
  await new Promise((resolve) => child.once('message', resolve));
  while (sockets.length < clients) await new Promise((r) => setTimeout(r, 10));

  const flushed = async () => {
    while (sockets.some((ws) => ws.bufferedAmount > 0)) await new Promise((r) => setImmediate(r));
  };
  const measure = async (send: () => void): Promise<number> => {
    const before = process.cpuUsage();
    for (let t = 0; t < ticks; t++) {
      send();
      await flushed();
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / ticks / 1000;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`${clients} connections, ${ticks} ticks a round, ${rounds} rounds; load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`);
  for (const bytes of values.bytes.split(',').map(Number)) {
    const payload = Buffer.from(`{"type":"state","pad":"${'x'.repeat(Math.max(0, bytes - 25))}"}`);
    const results = { send: [] as number[], frame: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      results.send.push(await measure(() => {
        for (const ws of sockets) ws.send(payload, { binary: false });
      }));
      results.frame.push(await measure(() => {
        const frame = textFrame(payload);
        for (const ws of sockets) (ws as unknown as { _socket: Socket })._socket.write(frame);
      }));
    }
    const s = median(results.send);
    const f = median(results.frame);
    console.log(`${payload.length} B payload: ws.send ${s.toFixed(2)} ms CPU a tick, one prebuilt frame ${f.toFixed(2)} ms (${(s / f).toFixed(2)}x); rounds send [${results.send.map((x) => x.toFixed(1)).join(' ')}] frame [${results.frame.map((x) => x.toFixed(1)).join(' ')}]`);
  }
  child.kill();
  for (const ws of sockets) ws.terminate();
  server.close();
}
