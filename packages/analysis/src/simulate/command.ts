/**
 * `flux simulate <program.flux|.ir.json> --profile <stats.json> --runtime <r> --cores <n> --connections <list>
 *  [--json] [--seed n] [--speedup Node=factor]... [--arrivals closed|open:<rate>] [--chart out.svg]
 *  [--threads n] [--io-us n] [--implementation module.ts] [--client-cpu-us n] [--cost name=value]... [--requests n] [--exponential]
 *  [--async Node]... [--sync Node]...`
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIO } from '../cli/main.ts';
import { pathToFileURL } from 'node:url';
import { classifyImplementation, loadProfile, loadProgram, predict } from './run.ts';
import { DEFAULT_COSTS, parseCostOverride, RUNTIMES, type RuntimeName } from './runtime-costs.ts';
import { lineChartSvg } from './svg-chart.ts';

const USAGE = `usage: flux simulate <program.flux|program.ir.json> --profile <stats.json> --runtime <event|threadpool|thread|workers>
       --cores <n> --connections <list> [--json] [--seed <n>] [--speedup <Node>=<factor>]...
       [--arrivals closed|open:<rate>] [--chart <out.svg>] [--threads <n>] [--io-us <us>] [--implementation <module>] [--client-cpu-us <us>]
       [--cost <name>=<value>]... [--cpu-per-request-us <us>] [--min-path-share <p>] [--tail-cut <k>] [--background <runnable threads> [--machine-cores <n>]] [--requests <n>] [--exponential] [--async <Node>]... [--sync <Node>]...
`;

export async function runSimulateCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        runtime: { type: 'string', default: 'event' },
        cores: { type: 'string', default: '1' },
        connections: { type: 'string', default: '1,10,100,1000' },
        json: { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        speedup: { type: 'string', multiple: true, default: [] },
        arrivals: { type: 'string', default: 'closed' },
        chart: { type: 'string' },
        threads: { type: 'string' },
        'io-us': { type: 'string' },
        implementation: { type: 'string' },
        'cpu-per-request-us': { type: 'string' },
        'min-path-share': { type: 'string', default: '0' },
        'tail-cut': { type: 'string', default: '0' },
        background: { type: 'string', default: '0' },
        'machine-cores': { type: 'string' },
        'client-cpu-us': { type: 'string', default: '0' },
        cost: { type: 'string', multiple: true, default: [] },
        requests: { type: 'string', default: '40000' },
        exponential: { type: 'boolean', default: false },
        async: { type: 'string', multiple: true, default: [] },
        sync: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.stderr(`flux simulate: ${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    if (positionals.length !== 1) throw new Error('expected one program (.flux or .ir.json)');
    if (values.profile === undefined) throw new Error('--profile <stats.json> is required (a server run with --stats-out)');
    const runtime = values.runtime as RuntimeName;
    if (!RUNTIMES.includes(runtime)) throw new Error(`--runtime ${values.runtime}: expected one of ${RUNTIMES.join(', ')}`);
    const cores = positiveInt(values.cores, '--cores');
    const connections = values.connections.split(',').map((c) => positiveInt(c.trim(), '--connections'));
    const seed = nonNegativeInt(values.seed, '--seed');
    const speedups = new Map<string, number>();
    for (const s of values.speedup) {
      const m = /^([A-Za-z_][\w]*)=([0-9.]+)$/.exec(s);
      const factor = m ? Number(m[2]) : NaN;
      if (!m || !(factor > 0)) throw new Error(`--speedup ${s}: expected Node=factor with factor > 0`);
      speedups.set(m[1]!, factor);
    }
    let openRate: number | undefined;
    if (values.arrivals !== 'closed') {
      const m = /^open:([0-9.]+)$/.exec(values.arrivals);
      if (!m || !(Number(m[1]) > 0)) throw new Error(`--arrivals ${values.arrivals}: expected closed or open:<requests per second>`);
      openRate = Number(m[1]);
    }
    let costs = DEFAULT_COSTS;
    for (const c of values.cost) costs = parseCostOverride(c, costs);
    const ir = loadProgram(resolve(io.cwd, positionals[0]!));
    const profile = loadProfile(resolve(io.cwd, values.profile));
    const declared = values.implementation === undefined ? undefined : await classifyImplementation(pathToFileURL(resolve(io.cwd, values.implementation)).href);
    const prediction = predict({
      ir,
      profile,
      runtime,
      cores,
      connections: openRate === undefined ? connections : [connections[0] ?? 1],
      seed,
      threads: values.threads === undefined ? undefined : positiveInt(values.threads, '--threads'),
      speedups,
      openRate,
      ioUs: values['io-us'] === undefined ? undefined : nonNegative(values['io-us'], '--io-us'),
      clientCpuUs: nonNegative(values['client-cpu-us'], '--client-cpu-us'),
      cpuPerRequestUs: values['cpu-per-request-us'] === undefined ? undefined : nonNegative(values['cpu-per-request-us'], '--cpu-per-request-us'),
      minPathShare: nonNegative(values['min-path-share'], '--min-path-share'),
      tailCut: nonNegative(values['tail-cut'], '--tail-cut'),
      cpuStretch: 1 + nonNegative(values.background, '--background') / (values['machine-cores'] === undefined ? cores : positiveInt(values['machine-cores'], '--machine-cores')),
      costs,
      measure: positiveInt(values.requests, '--requests'),
      exponential: values.exponential,
      asyncNodes: new Set([...values.async, ...(declared?.async ?? [])].filter((n) => !values.sync.includes(n))),
      syncNodes: new Set([...values.sync, ...(declared?.sync ?? [])].filter((n) => !values.async.includes(n))),
    });
    const rows = prediction.rows.map((r) => ({ connections: r.connections, throughput: round(r.throughput, 1), p50Ms: round(r.p50Ms, 4), p99Ms: round(r.p99Ms, 4) }));
    if (values.json) io.stdout(`${JSON.stringify(rows)}\n`);
    else {
      const d = prediction.compiled.demand;
      io.stdout(`flux simulate: ${ir.program} under ${runtime}, ${cores} core${cores > 1 ? 's' : ''}, ${openRate === undefined ? 'closed loop' : `open arrivals at ${openRate}/s`}, seed ${seed}\n`);
      io.stdout(`outside the nodes: ${prediction.ioUs.toFixed(1)} us a request (${values['io-us'] !== undefined ? '--io-us' : values['cpu-per-request-us'] !== undefined ? '--cpu-per-request-us minus the nodes' : "the profile's process CPU per flow minus the nodes"})\n`);
      const asyncNodes = [...prediction.model.nodes.values()].filter((n) => n.async).map((n) => n.name);
      io.stdout(`asynchronous nodes (work on libuv's pool): ${asyncNodes.length > 0 ? asyncNodes.join(', ') : 'none'}${declared ? ' (from --implementation)' : ''}\n`);
      io.stdout(`CPU per request (us): connection thread ${d.home.toFixed(1)}, workers ${d.worker.toFixed(1)}, libuv pool ${d.pool.toFixed(1)}, load generator ${d.client.toFixed(1)}\n`);
      for (const [name, f] of speedups) io.stdout(`virtual speedup: ${name} CPU divided by ${f}\n`);
      for (const n of prediction.model.notes) io.stdout(`note: ${n}\n`);
      io.stdout(`\n${pad('conns', 7)}${pad('req/s', 12)}${pad('p50 ms', 10)}${pad('p99 ms', 10)}busiest\n`);
      for (const r of prediction.rows) {
        const busiest = Object.entries(r.utilization).sort((a, b) => b[1] - a[1])[0];
        const locks = Object.entries(r.lockBusy).sort((a, b) => b[1] - a[1])[0];
        io.stdout(
          `${pad(String(r.connections), 7)}${pad(r.throughput.toFixed(0), 12)}${pad(r.p50Ms.toFixed(3), 10)}${pad(r.p99Ms.toFixed(3), 10)}` +
            `${busiest ? `${busiest[0]} ${(busiest[1] * 100).toFixed(0)}%` : ''}${locks ? `, lock ${locks[0]} held ${(locks[1] * 100).toFixed(0)}%` : ''}\n`,
        );
      }
      io.stdout(`\n${prediction.events} events in ${prediction.wallMs.toFixed(0)} ms (${((prediction.events / prediction.wallMs) * 1000 / 1e6).toFixed(2)} M events/s)\n`);
    }
    if (values.chart !== undefined) {
      const name = `${runtime}, ${cores} core${cores > 1 ? 's' : ''}`;
      const svg = lineChartSvg({
        title: `flux simulate: ${ir.program}`,
        xLabel: 'connections',
        logX: connections.length > 1 && Math.max(...connections) / Math.min(...connections) >= 10,
        panels: [
          { title: 'throughput', yLabel: 'req/s', series: [{ name: `${name} simulated`, dashed: true, points: prediction.rows.map((r) => ({ x: r.connections, y: r.throughput })) }] },
          {
            title: 'latency',
            yLabel: 'ms',
            series: [
              { name: `p50 simulated`, dashed: true, points: prediction.rows.map((r) => ({ x: r.connections, y: r.p50Ms })) },
              { name: `p99 simulated`, dashed: true, points: prediction.rows.map((r) => ({ x: r.connections, y: r.p99Ms })) },
            ],
          },
        ],
      });
      writeFileSync(resolve(io.cwd, values.chart), svg);
    }
    return 0;
  } catch (error) {
    io.stderr(`flux simulate: ${(error as Error).message}\n`);
    return 1;
  }
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} ${text}: expected a positive integer`);
  return n;
}
function nonNegativeInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} ${text}: expected an integer >= 0`);
  return n;
}
function nonNegative(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} ${text}: expected a number >= 0`);
  return n;
}
function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
function pad(s: string, n: number): string {
  return s.padEnd(n);
}
