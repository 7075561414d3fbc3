/**
 * Runs a seeder (the Flux peer's serve.ts or webtorrent-peer.ts) as a bench target: waits for the line with its
 * `127.0.0.1:<port>`, writes `{"pid":..,"port":..}` to the state file named by `--state` (the runs measure that
 * pid's CPU and dial that port), and announces `http://127.0.0.1:<port>/` as the harness expects of a target.
 * SIGTERM is passed on; it exits with the seeder. The harness signals the whole process group, so a seeder
 * never outlives it.
 *   node seeder.ts --state <file.json> -- <command> [args...]
 */

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

const separator = process.argv.indexOf('--');
const stateAt = process.argv.indexOf('--state');
if (separator === -1 || stateAt === -1 || stateAt + 1 >= separator || separator + 1 >= process.argv.length) {
  process.stderr.write('usage: seeder.ts --state <file.json> -- <command> [args...]\n');
  process.exit(2);
}
const statePath = process.argv[stateAt + 1];
const [command, ...args] = process.argv.slice(separator + 1);

const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => child.kill('SIGTERM'));
child.once('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 0 : 1)));

let announced = false;
let seen = '';
const watch = (chunk: Buffer, into: NodeJS.WriteStream): void => {
  into.write(chunk);
  if (announced) return;
  seen = (seen + chunk.toString()).slice(-4096);
  const match = /127\.0\.0\.1:(\d+)/.exec(seen);
  if (match === null || Number(match[1]) === 0) return;
  announced = true;
  const port = Number(match[1]);
  void writeFile(statePath, JSON.stringify({ pid: child.pid, port })).then(
    () => process.stdout.write(`seeder pid ${child.pid} at http://127.0.0.1:${port}/\n`),
    (error: Error) => {
      process.stderr.write(`cannot write ${statePath}: ${error.message}\n`);
      child.kill('SIGTERM');
    },
  );
};
child.stdout!.on('data', (chunk: Buffer) => watch(chunk, process.stdout));
child.stderr!.on('data', (chunk: Buffer) => watch(chunk, process.stderr));
