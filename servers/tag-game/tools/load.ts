/**
 * A quick load run against serve.ts (the full benchmark is `pnpm bench tag-game`): bots in child processes join,
 * send an input 20 times a second, and time each state from its "time" to their receipt.
 *
 *   node servers/tag-game/tools/load.ts --runtime event --players 1000 [--seconds 10] [--procs 4] [-- <server flags>]
 *
 * Prints one JSON line: players welcomed and how long their joins took (p50, max), states a second per bot (the achieved tick rate), state delay p50 / p99 (server tick
 * time to bot receipt, ms), bytes and messages received a second, the server's CPU (share of one core), load.
 */

import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runtime: { type: 'string', default: 'event' },
    players: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    procs: { type: 'string', default: '4' },
    bot: { type: 'string' },
  },
});

interface BotReport {
  joined: number;
  joinMs: number[];
  states: number;
  bytes: number;
  delays: number[];
  seconds: number;
}

if (values.bot !== undefined) {
  const [port, count, warmMs, runMs] = values.bot.split(':').map(Number) as [number, number, number, number];
  const sockets: WebSocket[] = [];
  const report: BotReport = { joined: 0, joinMs: [], states: 0, bytes: 0, delays: [], seconds: runMs / 1000 };
  let measuring = false;
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
    sockets.push(ws);
    let sentAt = 0;
    ws.on('open', () => {
      sentAt = Date.now();
      ws.send(JSON.stringify({ type: 'join', name: `bot${process.pid % 1000}-${i}` }));
    });
    ws.on('message', (data: Buffer) => {
      if (sentAt > 0 && data.subarray(0, 20).toString('latin1').includes('welcome')) {
        report.joined++;
        report.joinMs.push(Date.now() - sentAt);
        sentAt = 0;
      }
      if (!measuring) return;
      // Cheap parse: only the time field near the start.
      const head = data.subarray(0, 80).toString('latin1');
      const match = /"time":(\d+)/.exec(head);
      if (match === null) return;
      report.states++;
      report.bytes += data.length;
      if ((report.states & 3) === 0) report.delays.push(Date.now() - Number(match[1]));
    });
    ws.on('error', () => {});
  }
  let seq = 0;
  const inputs = setInterval(() => {
    seq++;
    for (const ws of sockets) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      const angle = Math.random() * Math.PI * 2;
      ws.send(`{"type":"input","seq":${seq},"dx":${Math.cos(angle).toFixed(2)},"dy":${Math.sin(angle).toFixed(2)}}`);
    }
  }, 50);
  setTimeout(() => {
    measuring = true;
    setTimeout(() => {
      measuring = false;
      clearInterval(inputs);
      process.send!(report, () => process.exit(0));
    }, runMs);
  }, warmMs);
} else {
  const players = Number(values.players);
  const procs = Number(values.procs);
  const seconds = Number(values.seconds);
  const serve = fileURLToPath(new URL('../serve.ts', import.meta.url));
  const server = spawn(process.execPath, [serve, '--runtime', values.runtime, '--port', '0', '--max-players', String(Math.max(players + 10, 100)), '--max-clients', String(players + 10), ...positionals], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /127\.0\.0\.1:(\d+)/.exec(out);
      if (match !== null) resolve(Number(match[1]));
    });
  });
  const cpu = () => {
    const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, ms (100 Hz clock)
  };
  const warmMs = 3_000 + players * 2;
  let cpuStart = 0;
  let wallStart = 0;
  setTimeout(() => {
    cpuStart = cpu();
    wallStart = Date.now();
  }, warmMs);
  const reports = await Promise.all(Array.from({ length: procs }, (_, i) => new Promise<BotReport>((resolve) => {
    const count = Math.floor(players / procs) + (i < players % procs ? 1 : 0);
    const child = fork(fileURLToPath(import.meta.url), ['--bot', `${port}:${count}:${warmMs}:${seconds * 1000}`]);
    child.once('message', (report) => resolve(report as BotReport));
  }).then((r) => r)));
  // The server's CPU over the measuring window (from the warm-up's end to the last report).
  const serverCpu = (cpu() - cpuStart) / (Date.now() - wallStart);
  server.kill('SIGTERM');
  const delays = reports.flatMap((r) => r.delays).sort((a, b) => a - b);
  const pick = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
  const states = reports.reduce((n, r) => n + r.states, 0);
  const joins = reports.flatMap((r) => r.joinMs).sort((a, b) => a - b);
  const bytes = reports.reduce((n, r) => n + r.bytes, 0);
  console.log(JSON.stringify({
    runtime: values.runtime, players, flags: positionals.join(' '),
    joined: joins.length, joinP50: joins[Math.floor(joins.length / 2)], joinMax: joins.at(-1),
    tickRate: +(states / players / seconds).toFixed(1),
    delayP50: pick(0.5), delayP99: pick(0.99),
    messagesPerSecond: Math.round(states / seconds), serverCpu: +serverCpu.toFixed(2), mbPerSecond: +(bytes / seconds / 1e6).toFixed(1),
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  }));
}
