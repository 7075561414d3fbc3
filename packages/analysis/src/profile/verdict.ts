/**
 * The verdict: which resource limits throughput, and by how much. Operational bounds (Denning and Buzen):
 * with demand D per flow at a resource that can serve P flows at once, throughput <= P / D. Two kinds here:
 *
 *   CPU    throughput <= P / (CPU per flow), P the cores the runtime can use; under event the one thread is
 *          the main thread, whose own CPU is the demand (libuv's pool works beside it);
 *   main   threadpool / thread: throughput <= 1 / (main thread CPU per flow), the sources, parsing and io
 *          that every flow needs from the one main thread;
 *   lock   throughput <= 1 / (exclusive hold per flow): exclusive (write) holds exclude each other, shared ones
 *          do not, so only the exclusive acquisitions of a lock serialise flows.
 *
 * The smallest bound binds; its largest contributor (a node, or the runtime's own work outside nodes) is what
 * to make faster, and the ratio to the next bound is how far that helps before something else binds.
 */

import type { Analysis } from './analyze.ts';

export interface Contributor {
  name: string;
  /** µs per flow this contributor puts on the bound's resource. */
  us: number;
  share: number;
}

export interface Bound {
  kind: 'cpu' | 'main' | 'lock';
  /** `CPU`, `main thread`, or the lock's name. */
  name: string;
  /** The most flows per second this resource allows. */
  flowsPerSecond: number;
  /** Demand per flow on it, µs. */
  demandUs: number;
  /** How many flows it serves at once. */
  parallelism: number;
  contributors: Contributor[];
  note: string | null;
}

export interface Verdict {
  /** Every bound, tightest first. */
  bounds: Bound[];
  binding: Bound | null;
  dominant: Contributor | null;
  /** Next-tightest bound over the binding one (>= 1), or null when only one resource bounds. */
  headroom: number | null;
  /** The bound if the dominant contributor took half as long (every bound recomputed). */
  halvedDominantFlowsPerSecond: number | null;
  /** Measured flows per second over the snapshot's span, and its share of the binding bound. */
  measuredFlowsPerSecond: number;
  utilization: number | null;
  lines: string[];
}

/** Flows the runtime can run in parallel on CPU. */
export function cpuParallelism(a: Pick<Analysis, 'runtime' | 'cores' | 'threads'>): { p: number; why: string } {
  const cores = Math.max(1, a.cores);
  switch (a.runtime) {
    case 'event':
      return { p: 1, why: 'event: one thread runs every flow' };
    case 'workers': {
      const threads = a.threads > 0 ? a.threads : cores;
      return { p: Math.min(cores, threads), why: `workers: ${threads} thread${threads === 1 ? '' : 's'} on ${cores} core${cores === 1 ? '' : 's'}` };
    }
    default: {
      // threadpool, thread: the workers run nodes, the main thread parses and writes.
      const threads = a.threads > 0 ? a.threads + 1 : cores;
      return { p: Math.min(cores, threads), why: `${a.runtime}: ${Math.max(0, threads - 1)} worker${threads === 2 ? '' : 's'} + the main thread on ${cores} core${cores === 1 ? '' : 's'}` };
    }
  }
}

export function boundsOf(a: Analysis, scale: (name: string) => number = () => 1): Bound[] {
  const bounds: Bound[] = [];
  const { p, why } = cpuParallelism(a);
  const contributors: Contributor[] = a.nodes.filter((n) => n.cpuPerFlowUs > 0).map((n) => ({ name: n.name, us: n.cpuPerFlowUs * scale(n.name), share: 0 }));
  let note: string | null = why;
  // Under event the main thread runs every flow: its own CPU is the demand; libuv's pool adds to the process's.
  const eventMain = a.runtime === 'event' && a.mainThreadCpuPerFlowUs > 0;
  const total = eventMain ? a.mainThreadCpuPerFlowUs : a.processCpuPerFlowUs;
  const outside = total - a.nodeCpuPerFlowUs;
  if (total > 0 && outside > 0) contributors.push({ name: RUNTIME, us: outside * scale(RUNTIME), share: 0 });
  else if (total <= 0) note += '; node CPU only (the snapshot has no process CPU), so the bound is loose';
  if (eventMain) note += ', main thread CPU';
  const demand = contributors.reduce((x, c) => x + c.us, 0);
  if (demand > 0) {
    for (const c of contributors) c.share = c.us / demand;
    contributors.sort((x, y) => y.us - x.us || x.name.localeCompare(y.name));
    bounds.push({ kind: 'cpu', name: 'CPU', flowsPerSecond: (p * 1e6) / demand, demandUs: demand, parallelism: p, contributors, note });
  }
  if ((a.runtime === 'threadpool' || a.runtime === 'thread') && a.mainThreadCpuPerFlowUs > 0) {
    // The main thread runs no node here: all of its CPU is the runtime's shared work.
    const demand = a.mainThreadCpuPerFlowUs * scale(MAIN);
    bounds.push({
      kind: 'main',
      name: 'main thread',
      flowsPerSecond: 1e6 / demand,
      demandUs: demand,
      parallelism: 1,
      contributors: [{ name: MAIN, us: demand, share: 1 }],
      note: 'one thread runs the sources, parsing and io of every flow',
    });
  }
  for (const l of a.locks) {
    if (l.exclusiveHoldPerFlowUs <= 0) continue;
    const hold = l.exclusiveHoldPerFlowUs * scale(`lock ${l.name}`);
    bounds.push({
      kind: 'lock',
      name: l.name,
      flowsPerSecond: 1e6 / hold,
      demandUs: hold,
      parallelism: 1,
      contributors: [{ name: `lock ${l.name}`, us: hold, share: 1 }],
      note: l.mode === 'mixed' ? `exclusive holds only: ${pct(l.exclusiveShare)} of its acquisitions` : null,
    });
  }
  return bounds.sort((x, y) => x.flowsPerSecond - y.flowsPerSecond);
}

/** The name of the runtime's own CPU (sources, parsing, io, dispatch) as a contributor. */
export const RUNTIME = '(runtime, outside nodes)';
/** The main thread's work under threadpool / thread, as a contributor. */
export const MAIN = '(main thread: sources, parsing, io)';

export function verdictOf(a: Analysis): Verdict {
  const bounds = boundsOf(a);
  const measured = a.flowsPerSecond;
  if (a.completed === 0 || bounds.length === 0) {
    return {
      bounds,
      binding: null,
      dominant: null,
      headroom: null,
      halvedDominantFlowsPerSecond: null,
      measuredFlowsPerSecond: measured,
      utilization: null,
      lines: [a.completed === 0 ? 'No flow completed: there is nothing to judge yet. Record the profile under load.' : 'No CPU or lock time was recorded (timing off?): no bound to compute.'],
    };
  }
  const binding = bounds[0]!;
  const dominant = binding.contributors[0] ?? null;
  const next = bounds[1];
  const headroom = next === undefined ? null : next.flowsPerSecond / binding.flowsPerSecond;
  const halved = dominant === null ? null : Math.min(...boundsOf(a, (name) => (name === dominant.name ? 0.5 : 1)).map((b) => b.flowsPerSecond));
  const utilization = measured / binding.flowsPerSecond;

  const lines: string[] = [];
  if (binding.kind === 'cpu') {
    lines.push(
      `CPU limits throughput: at most ${rate(binding.flowsPerSecond)} flows/s at ${us(binding.demandUs)} of CPU per flow on ${binding.parallelism} core${binding.parallelism === 1 ? '' : 's'} (${binding.note}).`,
    );
  } else if (binding.kind === 'main') {
    lines.push(
      `The main thread limits throughput: at most ${rate(binding.flowsPerSecond)} flows/s at ${us(binding.demandUs)} of its CPU per flow (${binding.note}).`,
    );
  } else {
    lines.push(
      `Lock ${binding.name} limits throughput: at most ${rate(binding.flowsPerSecond)} flows/s, since each flow holds it exclusively ${us(binding.demandUs)} and no two flows can${binding.note === null ? '' : ` (${binding.note})`}.`,
    );
  }
  if (dominant !== null && binding.kind === 'cpu') {
    const second = binding.contributors[1];
    lines.push(
      `Most of that CPU is ${dominant.name}: ${pct(dominant.share)} (${us(dominant.us)} a flow)` +
        (second === undefined ? '.' : `; next ${second.name}, ${pct(second.share)} (${us(second.us)}).`),
    );
  }
  if (next !== undefined) {
    lines.push(
      `Next limit: ${next.kind === 'lock' ? `lock ${next.name}` : next.name} at ${rate(next.flowsPerSecond)} flows/s, ${headroom!.toFixed(headroom! < 10 ? 2 : 1)}x higher: making ${dominant?.name ?? 'it'} faster helps up to there.`,
    );
  }
  if (halved !== null && dominant !== null) {
    lines.push(`If ${dominant.name} took half as long, the bound would be ${rate(halved)} flows/s (${signedPct(halved / binding.flowsPerSecond - 1)}).`);
  }
  lines.push(
    `Measured over the ${(a.durationMs / 1000).toFixed(1)} s span: ${rate(measured)} flows/s, ${pct(utilization)} of the bound` +
      (utilization < 0.5 ? ' (the offered load or idle time set the rate, not the server).' : '.'),
  );
  return { bounds, binding, dominant, headroom, halvedDominantFlowsPerSecond: halved, measuredFlowsPerSecond: measured, utilization, lines };
}

export function rate(x: number): string {
  if (!Number.isFinite(x)) return '∞';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

export function us(x: number): string {
  if (x >= 10_000) return `${(x / 1000).toFixed(1)} ms`;
  if (x >= 1000) return `${(x / 1000).toFixed(2)} ms`;
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)} µs`;
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

function signedPct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
}
