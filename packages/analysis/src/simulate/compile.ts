/**
 * Places a program's flows on a runtime's threads: each path becomes a list of instructions (CPU on the
 * connection's thread or on a worker, a hop between them, work on libuv's pool, lock sets, the network) that
 * the simulator walks. This is the per-runtime model:
 *
 * - event: one thread does the socket work (`ioUs` a request, outside nodes) and runs every node; an
 *   asynchronous node's off-thread part runs on libuv's pool; locks only when not elided.
 * - workers: the same on each of `threads` event loops, connections spread over them at random (the kernel's
 *   SO_REUSEPORT hash); program locks always taken.
 * - threadpool: the main thread does the socket work and the crossings' main side; the flow runs on the
 *   least-loaded of `threads` workers; every lock taken.
 * - thread: the same, a flow on a worker of its own (at most `threadMaxWorkers`, started on demand), each
 *   crossing unbatched and dearer.
 */
import { Deterministic, type Distribution } from './distribution.ts';
import type { SimModel } from './model.ts';
import type { RuntimeCosts, RuntimeName } from './runtime-costs.ts';

export const OP_CPU = 0;
export const OP_NET = 1;
export const OP_ACQUIRE = 2;
export const OP_RELEASE = 3;
export const OP_ASYNC = 4;
export const OP_HOP = 5;
export const OP_RECEIVE = 6;
export const OP_END = 7;

export const SEL_HOME = 0;
export const SEL_WORKER = 1;
export const SEL_CLIENT = 2;

export interface Instr {
  readonly op: number;
  readonly sel: number;
  readonly dist: Distribution | null;
  /** Pairs (lock index, 1 for write / 0 for read), in canonical order. */
  readonly locks: Int32Array | null;
}

export interface CompiledRuntime {
  readonly runtime: RuntimeName;
  readonly paths: readonly (readonly Instr[])[];
  readonly cumulative: Float64Array;
  readonly homeThreads: number;
  readonly homeLabel: string;
  readonly workerThreads: number;
  readonly maxWorkers: number;
  readonly workerBinding: 'least-loaded' | 'per-flow';
  readonly spreadConnections: boolean;
  readonly lockNames: readonly string[];
  readonly costs: RuntimeCosts;
  readonly wake: Distribution | null;
  /** Mean CPU per request by where it runs (µs), for reports and the cheap predictors. */
  readonly demand: { home: number; worker: number; pool: number; client: number };
}

export interface CompileOptions {
  readonly runtime: RuntimeName;
  readonly cores: number;
  /** Worker threads (`threadpool`, `workers`); default one per core, as the runtimes do. */
  readonly threads?: number;
  /** CPU per request outside the nodes on the thread that owns the socket (reading, framing, writing). */
  readonly ioUs: number;
  /** The load generator's CPU per request when it shares the server's cores (0: it runs elsewhere). */
  readonly clientCpuUs: number;
  readonly costs: RuntimeCosts;
}

const cpu = (sel: number, us: number | Distribution): Instr => ({
  op: OP_CPU,
  sel,
  dist: typeof us === 'number' ? new Deterministic(us) : us,
  locks: null,
});
const simple = (op: number, sel = SEL_HOME): Instr => ({ op, sel, dist: null, locks: null });

export function compileRuntime(model: SimModel, options: CompileOptions): CompiledRuntime {
  const { runtime, costs } = options;
  const threads = Math.max(1, Math.round(options.threads ?? options.cores));
  const threaded = runtime === 'threadpool' || runtime === 'thread';
  const flowSel = threaded ? SEL_WORKER : SEL_HOME;
  const mainCross = runtime === 'threadpool' ? costs.poolMainUs : runtime === 'thread' ? costs.threadMainUs : 0;
  const workerCross = runtime === 'threadpool' ? costs.poolWorkerUs : runtime === 'thread' ? costs.threadWorkerUs : 0;
  const paths: Instr[][] = [];
  const weights: number[] = [];
  let flowCpu = 0;
  let poolCpu = 0;
  for (const list of model.flows.paths.values()) {
    for (const path of list) {
      const out: Instr[] = [simple(OP_NET)];
      if (options.ioUs > 0) out.push(cpu(SEL_HOME, options.ioUs / 2));
      if (threaded) {
        if (mainCross > 0) out.push(cpu(SEL_HOME, mainCross / 2));
        out.push(simple(OP_HOP, SEL_WORKER));
        if (workerCross > 0) out.push(cpu(SEL_WORKER, workerCross / 2));
      }
      let pathCpu = 0;
      let pathPool = 0;
      for (const op of path.ops) {
        if (op.kind === 'node') {
          const node = model.nodes.get(op.node);
          if (node === undefined) continue;
          out.push(cpu(flowSel, node.cpu));
          pathCpu += node.cpu.mean;
          if (node.async && node.offThread.mean > 0) {
            out.push({ op: OP_ASYNC, sel: flowSel, dist: node.offThread, locks: null });
            pathPool += node.offThread.mean;
          }
          continue;
        }
        const taken = op.locks.filter((need) => model.lockTaken(need.lock, runtime) && model.ir.locks[need.lock]?.scope === 'program');
        if (taken.length === 0) continue;
        const pairs = new Int32Array(taken.length * 2);
        taken.forEach((need, i) => {
          pairs[2 * i] = need.lock;
          pairs[2 * i + 1] = need.mode === 'write' ? 1 : 0;
        });
        out.push({ op: op.kind === 'acquire' ? OP_ACQUIRE : OP_RELEASE, sel: flowSel, dist: null, locks: pairs });
      }
      if (threaded) {
        if (workerCross > 0) out.push(cpu(SEL_WORKER, workerCross / 2));
        out.push(simple(OP_HOP, SEL_HOME));
        if (mainCross > 0) out.push(cpu(SEL_HOME, mainCross / 2));
      }
      if (options.ioUs > 0) out.push(cpu(SEL_HOME, options.ioUs / 2));
      out.push(simple(OP_NET));
      // The load generator reads the answer before it timestamps it: its own queue counts in the latency.
      if (options.clientCpuUs > 0) out.push(cpu(SEL_CLIENT, options.clientCpuUs));
      out.push(simple(OP_RECEIVE));
      out.push(simple(OP_END));
      paths.push(out);
      weights.push(path.probability);
      flowCpu += path.probability * pathCpu;
      poolCpu += path.probability * pathPool;
    }
  }
  if (paths.length === 0) throw new Error('the profile gives no path of the program a probability above 0 (no flow ran?)');
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w / total;
    cumulative[i] = acc;
  });
  cumulative[cumulative.length - 1] = 1;
  return {
    runtime,
    paths,
    cumulative,
    homeThreads: runtime === 'workers' ? threads : 1,
    homeLabel: runtime === 'workers' ? 'worker' : 'main',
    workerThreads: runtime === 'threadpool' ? threads : 0,
    maxWorkers: runtime === 'thread' && costs.threadMaxWorkers > 0 ? Math.round(costs.threadMaxWorkers) : threads,
    workerBinding: runtime === 'thread' ? 'per-flow' : 'least-loaded',
    spreadConnections: runtime === 'workers',
    lockNames: model.ir.locks.map((l) => l.name),
    costs,
    wake: model.crossing,
    demand: {
      home: options.ioUs + mainCross + (threaded ? 0 : flowCpu),
      worker: threaded ? workerCross + flowCpu : 0,
      pool: poolCpu,
      client: options.clientCpuUs,
    },
  };
}
