/**
 * Requests per second through a real socket: a line server (socket-fixture/) answering each line with about
 * 10 KB under a read lock (after `--work-us` of CPU in the node), loaded by a client in another process
 * (socket-fixture/client.ts). Also the server process's CPU time per request, all threads and main alone, which
 * other load on the machine disturbs less than the rate. Not a test.
 *
 *   node bench/socket.bench.ts [--configs event,threadpool:2,threadpool:1] [--connections 10] [--body-bytes 10240]
 *                              [--work-us 0] [--seconds 3] [--runs 5]
 *
 * A config is `runtime` or `runtime:threads`. Every config's server runs at once (idle ones cost nothing) and
 * the runs go round-robin over the configs, so drift in the machine's load spreads evenly over them. Prints
 * each run and the median per config.
 */

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from '@flux/compiler';
import type { RuntimeKind } from '../src/api.ts';
import { start, type FluxServer } from '../src/start.ts';

const { values } = parseArgs({
  options: {
    configs: { type: 'string', default: 'event,threadpool:2,threadpool:1' },
    connections: { type: 'string', default: '10' },
    'body-bytes': { type: 'string', default: '10240' },
    'work-us': { type: 'string', default: '0' },
    seconds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '5' },
  },
});
const connections = Number(values.connections);
const bodyBytes = Number(values['body-bytes']);
const workUs = Number(values['work-us']);
const ms = Number(values.seconds) * 1000;
const runs = Number(values.runs);

const programFile = fileURLToPath(new URL('./socket-fixture/socket.flux', import.meta.url));
const { ir } = compile(readFileSync(programFile, 'utf8'), programFile);
if (ir === undefined) throw new Error('socket.flux does not compile');

interface Config {
  readonly label: string;
  readonly server: FluxServer;
  readonly port: number;
  readonly samples: number[];
  readonly cpu: number[];
  readonly main: number[];
}

const configs: Config[] = [];
for (const spec of values.configs.split(',')) {
  const [runtime, threads] = spec.split(':') as [RuntimeKind, string | undefined];
  let reportPort!: (port: number) => void;
  const listening = new Promise<number>((resolve) => (reportPort = resolve));
  const server = await start({
    ir,
    implementation: new URL('./socket-fixture/socket.ts', import.meta.url),
    runtime,
    threads: threads === undefined ? undefined : Number(threads),
    options: { bodyBytes, workUs, onListening: (port: number) => reportPort(port) },
  });
  configs.push({ label: spec, server, port: await listening, samples: [], cpu: [], main: [] });
}

/** Answers per second, and CPU time per answer in us: this process's (every thread) and its main thread's. */
async function load(port: number): Promise<{ rps: number; cpuUs: number; mainUs: number }> {
  const cpu0 = process.cpuUsage();
  const main0 = process.threadCpuUsage();
  const [counted, total] = await runClient(port);
  const cpu = process.cpuUsage(cpu0);
  const main = process.threadCpuUsage(main0);
  return { rps: counted / (ms / 1000), cpuUs: (cpu.user + cpu.system) / total, mainUs: (main.user + main.system) / total };
}

/** Runs the client; resolves with the answers it counted after its warm-up, and all it received. */
function runClient(port: number): Promise<[number, number]> {
  const client = spawn(process.execPath, [fileURLToPath(new URL('./socket-fixture/client.ts', import.meta.url)), String(port), String(connections), String(bodyBytes), String(ms)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  client.stdout.setEncoding('utf8');
  client.stdout.on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    client.once('exit', (code) => (code === 0 ? resolve(out.trim().split(' ').map(Number) as [number, number]) : reject(new Error(`client exited ${code}`))));
  });
}

process.stdout.write(`# ${connections} connections, ${bodyBytes}-byte answers after ${workUs} us of CPU, ${ms / 1000} s per run, ${runs} runs per config\n`);
for (let r = 0; r < runs; r++) {
  for (const c of configs) {
    const { rps, cpuUs, mainUs } = await load(c.port);
    c.samples.push(rps);
    c.cpu.push(cpuUs);
    c.main.push(mainUs);
    process.stdout.write(
      `run ${r + 1} ${c.label.padEnd(14)} ${rps.toFixed(0).padStart(7)} req/s  ${cpuUs.toFixed(1).padStart(6)} us CPU/req (main thread ${mainUs.toFixed(1)})\n`,
    );
  }
}
for (const c of configs) {
  const s = [...c.samples].sort((a, b) => a - b);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  process.stdout.write(
    `${c.label.padEnd(14)} median ${median(c.samples).toFixed(0).padStart(7)} req/s  (min ${s[0]!.toFixed(0)}, max ${s[s.length - 1]!.toFixed(0)})` +
      `  ${median(c.cpu).toFixed(1).padStart(6)} us CPU/req (main thread ${median(c.main).toFixed(1)})\n`,
  );
}
for (const c of configs) await c.server.stop({ deadlineMs: 1000 });
