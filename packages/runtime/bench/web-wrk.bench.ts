/**
 * The web server (servers/web) under chosen runtimes, loaded by wrk: one 10 KB file, keep-alive (or with
 * `--close`, a connection per request). Prints requests per second and the server process's CPU time per
 * request (all threads, and the main thread alone, from /proc), which other load on the machine disturbs less
 * than the rate. Not a test; needs wrk and Linux.
 *
 *   node bench/web-wrk.bench.ts [--configs workers,event] [--threads 2] [--connections 100] [--seconds 5]
 *                               [--runs 5] [--file-bytes 10240] [--close]
 *
 * A config is a runtime name. Every config's server runs at once (an idle one costs nothing) and the runs
 * alternate over the configs, so drift in the machine's load spreads evenly over them. Prints each run and the
 * median per config.
 */

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    configs: { type: 'string', default: 'workers,event' },
    threads: { type: 'string', default: '2' },
    connections: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '5' },
    'file-bytes': { type: 'string', default: '10240' },
    close: { type: 'boolean', default: false },
  },
});

const SERVE = fileURLToPath(new URL('../../../servers/web/serve.ts', import.meta.url));
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

interface Server {
  readonly config: string;
  readonly child: ChildProcess;
  readonly url: string;
}

async function launch(config: string, root: string): Promise<Server> {
  const child = spawn(process.execPath, [SERVE, '--runtime', config, '--threads', values.threads!, '--port', '0', '--root', root], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`${config} exited with ${code}`)));
  });
  return { config, child, url };
}

/** CPU time of a process (all its threads) or of one thread, in ms. */
function cpuMs(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
}

function wrk(url: string, seconds: number): number {
  const args = ['-t1', `-c${values.connections}`, `-d${seconds}s`, ...(values.close ? ['-H', 'Connection: close'] : []), `${url}/file`];
  const out = execFileSync('wrk', args).toString();
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (match === null) throw new Error(`no rate in wrk output:\n${out}`);
  if (/Non-2xx/.test(out)) process.stderr.write(`warning: non-2xx answers:\n${out}\n`);
  return Number(match[1]);
}

interface Run {
  readonly rate: number;
  readonly cpuUsPerReq: number;
  readonly mainUsPerReq: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const root = mkdtempSync(join(tmpdir(), 'flux-web-wrk-'));
writeFileSync(join(root, 'file'), Buffer.alloc(Number(values['file-bytes']), 'x'));
const servers: Server[] = [];
try {
  for (const config of values.configs!.split(',')) servers.push(await launch(config, root));
  for (const s of servers) wrk(s.url, 1); // warm up: compile, fill the caches
  const results = new Map<string, Run[]>(servers.map((s) => [s.config, []]));
  const seconds = Number(values.seconds);
  for (let run = 1; run <= Number(values.runs); run++) {
    for (const s of servers) {
      const pid = s.child.pid!;
      const [all0, main0] = [cpuMs(pid), cpuMs(pid, pid)];
      const rate = wrk(s.url, seconds);
      const [all1, main1] = [cpuMs(pid), cpuMs(pid, pid)];
      const requests = rate * seconds;
      const r: Run = { rate, cpuUsPerReq: ((all1 - all0) * 1000) / requests, mainUsPerReq: ((main1 - main0) * 1000) / requests };
      results.get(s.config)!.push(r);
      console.log(`run ${run} ${s.config.padEnd(20)} ${Math.round(rate).toString().padStart(7)} req/s  ${r.cpuUsPerReq.toFixed(1)} us CPU/req (main ${r.mainUsPerReq.toFixed(1)})`);
    }
  }
  console.log(`\nmedians of ${values.runs} runs, wrk -t1 -c${values.connections} -d${seconds}s${values.close ? ' (Connection: close)' : ''}, ${values['file-bytes']} B file`);
  for (const [config, runs] of results) {
    const rates = runs.map((r) => r.rate);
    console.log(
      `${config.padEnd(20)} ${Math.round(median(rates)).toString().padStart(7)} req/s (${Math.round(Math.min(...rates))}-${Math.round(Math.max(...rates))})  ` +
        `${median(runs.map((r) => r.cpuUsPerReq)).toFixed(1)} us CPU/req  main ${median(runs.map((r) => r.mainUsPerReq)).toFixed(1)}`,
    );
  }
} finally {
  for (const s of servers) {
    s.child.kill('SIGTERM');
    await once(s.child, 'exit');
  }
  rmSync(root, { recursive: true, force: true });
}
