/**
 * Microbenchmark helpers: hand-built programs (no compiler needed) and a timer that reports the median of
 * repeated runs. Not tests: run them with `node bench/<name>.bench.ts` on a quiet machine.
 */

import type { LockUseIR, NodeIR, ProgramIR } from '@flux/compiler/ir.ts';

const loc = { line: 1, column: 1 };
const param = (name: string) => ({ name, type: 'number' });

/**
 * `Src => Flow; Flow = N0 -> N1 -> ... ` with `length` concrete nodes of one number in, one number out.
 * `locked`: every node takes lock `l` for writing.
 */
export function chainProgram(length: number, options: { locked?: boolean } = {}): ProgramIR {
  const locks: LockUseIR[] = options.locked === true ? [{ lock: 0, mode: 'write', elevated: false }] : [];
  const nodes: NodeIR[] = [
    { id: 0, kind: 'concrete', name: 'Src', inputs: [], outputs: [param('n')], locks: [], handler: null, loc },
  ];
  for (let i = 0; i < length; i++) {
    nodes.push({ id: i + 1, kind: 'concrete', name: `N${i}`, inputs: [param('n')], outputs: [param('n')], locks, handler: null, loc });
  }
  const flow = nodes.length;
  nodes.push({
    id: flow,
    kind: 'abstract',
    name: 'Flow',
    inputs: [param('n')],
    outputs: [param('n')],
    locks: [],
    handler: null,
    loc,
    cases: [{ pattern: null, chain: Array.from({ length }, (_, i) => i + 1), loc }],
  });
  return {
    irVersion: 1,
    program: `chain${length}`,
    locks: options.locked === true ? [{ name: 'l', scope: 'program' }] : [],
    nodes,
    predicates: [],
    sources: [{ node: 0, target: flow, session: null }],
  };
}

export interface Measurement {
  readonly name: string;
  readonly medianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  /** Median CPU time per operation, every thread of the process (worker threads included), in ns. */
  readonly cpuNs: number;
}

/**
 * Runs `run(ops)` (which performs `ops` operations) `runs` times after a warm-up and prints the median
 * ns per operation.
 */
export async function measure(
  name: string,
  run: (ops: number) => void | Promise<void>,
  { ops = 200_000, runs = 15, warmup = 3 }: { ops?: number; runs?: number; warmup?: number } = {},
): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) await run(ops);
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await run(ops);
    samples.push(Number(process.hrtime.bigint() - t0) / ops);
    const cpu = process.cpuUsage(cpu0);
    cpuSamples.push(((cpu.user + cpu.system) * 1000) / ops);
  }
  samples.sort((a, b) => a - b);
  cpuSamples.sort((a, b) => a - b);
  const m = { name, medianNs: samples[samples.length >> 1]!, minNs: samples[0]!, maxNs: samples[samples.length - 1]!, cpuNs: cpuSamples[cpuSamples.length >> 1]! };
  process.stdout.write(
    `${name.padEnd(58)} median ${m.medianNs.toFixed(1).padStart(8)} ns/op  (min ${m.minNs.toFixed(1)}, max ${m.maxNs.toFixed(1)}, ${runs} runs x ${ops} ops)` +
      `  cpu ${m.cpuNs.toFixed(0)} ns/op\n`,
  );
  return m;
}
