/**
 * What recording the profile costs the web server: wrk against `servers/web/serve.ts --runtime event` with
 * the profile sampled at each of several rates (FLUX_STATS_SAMPLE_EVERY; 0 = no timing, so no histograms),
 * optionally against a second checkout (`--baseline-root`, e.g. the runtime before the profile existed). Every
 * target is started once, then the wrk runs alternate between them; medians of `--runs`, CPU per request from
 * /proc/<pid>/stat.
 *
 *   node packages/analysis/test/profile-overhead.bench.ts [--every 0,64] [--runs 5] [--duration 5]
 *        [--connections 100] [--bytes 10240] [--baseline-root /tmp/flux-before] [--pin]
 *
 * A rate given twice (`--every 64,64`) starts two identical targets: their difference is the noise floor.
 * `--pin` runs every server on CPU 0 and wrk on CPU 1 (taskset), so the two do not trade cores.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    every: { type: 'string', default: '0,64' },
    runs: { type: 'string', default: '5' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '100' },
    bytes: { type: 'string', default: '10240' },
    'baseline-root': { type: 'string' },
    pin: { type: 'boolean', default: false },
  },
});

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'flux-profile-overhead-'));
const bytes = Buffer.alloc(Number(values.bytes), 'x');
writeFileSync(join(root, 'file.bin'), bytes);

interface Target {
  readonly label: string;
  readonly child: ChildProcess;
  readonly url: string;
}

async function startTarget(label: string, checkout: string, env: Record<string, string>): Promise<Target> {
  const command = [process.execPath, join(checkout, 'servers/web/serve.ts'), '--runtime', 'event', '--port', '0', '--root', root];
  const pinned = values.pin ? ['taskset', '-c', '0', ...command] : command;
  const child = spawn(pinned[0]!, pinned.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/[^\s/]+:\d+\//.exec(out);
      if (m !== null) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`${label} exited (${code}) before listening`)));
  });
  return { label, child, url };
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;

function wrk(url: string): { rps: number; requests: number } {
  const args = ['-t1', `-c${values.connections}`, `-d${values.duration}s`, `${url}file.bin`];
  const r = values.pin ? spawnSync('taskset', ['-c', '1', 'wrk', ...args], { encoding: 'utf8' }) : spawnSync('wrk', args, { encoding: 'utf8' });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  const total = /(\d+) requests in/.exec(r.stdout);
  if (rps === null || total === null) throw new Error(`wrk output not understood:\n${r.stdout}${r.stderr}`);
  return { rps: Number(rps[1]), requests: Number(total[1]) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const targets: Target[] = [];
try {
  if (values['baseline-root'] !== undefined) targets.push(await startTarget('baseline-root', values['baseline-root'], {}));
  for (const [i, every] of values.every.split(',').entries()) {
    const label = `sample-every=${every}`;
    const unique = targets.some((t) => t.label === label) ? `${label} (#${i + 1})` : label;
    targets.push(await startTarget(unique, repo, { FLUX_STATS_SAMPLE_EVERY: every }));
  }
  for (const t of targets) wrk(t.url); // warm up (JIT, cache) before measuring
  const results = new Map<string, { rps: number[]; cpuUs: number[] }>(targets.map((t) => [t.label, { rps: [], cpuUs: [] }]));
  const load: string[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const order = run % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      const before = cpuTicks(t.child.pid!);
      const r = wrk(t.url);
      const ticks = cpuTicks(t.child.pid!) - before;
      const entry = results.get(t.label)!;
      entry.rps.push(r.rps);
      entry.cpuUs.push(((ticks / TICKS_PER_SECOND) * 1e6) / r.requests);
    }
    load.push(readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '));
  }
  const first = results.get(targets[0]!.label)!;
  const base = median(first.rps);
  // The least disturbed round: other work on the machine only ever adds CPU per request.
  const baseCpu = Math.min(...first.cpuUs);
  console.log(
    `wrk -t1 -c${values.connections} -d${values.duration}s, ${values.bytes}-byte file, runtime event, ${values.runs} alternating runs${values.pin ? ', server on CPU 0, wrk on CPU 1' : ''}`,
  );
  for (const [label, r] of results) {
    const m = median(r.rps);
    console.log(
      `${label.padEnd(20)} median ${m.toFixed(0).padStart(7)} req/s (${r.rps.map((x) => x.toFixed(0)).join(', ')})  ` +
        `${((m / base - 1) * 100).toFixed(1).padStart(5)}% vs ${targets[0]!.label}  CPU/request median ${median(r.cpuUs).toFixed(1)} µs, ` +
        `min ${Math.min(...r.cpuUs).toFixed(1)} µs (${((Math.min(...r.cpuUs) / baseCpu - 1) * 100).toFixed(1)}%)`,
    );
  }
  console.log(`load average after each round: ${load.join(' | ')}`);
} finally {
  // The pid is taskset's until it execs node, which keeps the pid: one signal reaches the server either way.
  for (const t of targets) t.child.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
