/**
 * Operational bounds (Denning and Buzen; Lazowska et al., "Quantitative System Performance", ch. 5): from the
 * demands per request alone, no queueing model. Throughput X(N) <= min(N / (D + Z), 1 / D_max) where D_max is the
 * demand on the busiest serial resource: the cores together (all CPU per request / cores), any single thread
 * (a thread runs on one core at a time), the longest write-lock hold per request. Latency by Little's law in a
 * closed loop: R(N) = N / X(N) - Z, and never below D + Z's share spent in the server.
 */
import type { CompiledRuntime } from '../simulate/compile.ts';
import type { SimModel } from '../simulate/model.ts';

export interface BoundsInput {
  readonly model: SimModel;
  readonly compiled: CompiledRuntime;
  readonly cores: number;
  /** Other work sharing the cores, as the simulator's cpuStretch: each core gives 1 / stretch of itself. */
  readonly cpuStretch?: number;
}

export interface BoundsPrediction {
  readonly connections: number;
  readonly throughput: number;
  /** Little's law: the mean response time at that throughput; used as the p50 estimate. */
  readonly p50Ms: number;
  readonly limit: string;
}

/** Per request: the longest time any one lock is held in write mode (a lock is serial only for writers). */
export function writeHoldPerRequest(model: SimModel, compiled: CompiledRuntime): { lock: string; us: number } | null {
  const perLock = new Map<number, number>();
  for (const list of model.flows.paths.values()) {
    for (const path of list) {
      const held = new Map<number, number>();
      for (const op of path.ops) {
        if (op.kind === 'acquire') {
          for (const need of op.locks) if (need.mode === 'write' && model.lockTaken(need.lock, compiled.runtime)) held.set(need.lock, (held.get(need.lock) ?? 0) + 1);
        } else if (op.kind === 'release') {
          for (const need of op.locks) if (held.has(need.lock) && need.mode === 'write') {
            const n = held.get(need.lock)! - 1;
            if (n === 0) held.delete(need.lock);
            else held.set(need.lock, n);
          }
        } else {
          const node = model.nodes.get(op.node);
          if (node === undefined) continue;
          for (const lock of held.keys()) perLock.set(lock, (perLock.get(lock) ?? 0) + path.probability * (node.cpu.mean + node.offThread.mean));
        }
      }
    }
  }
  let best: { lock: string; us: number } | null = null;
  for (const [lock, us] of perLock) if (best === null || us > best.us) best = { lock: model.ir.locks[lock]!.name, us };
  return best;
}

export function operationalBounds(input: BoundsInput, connections: readonly number[]): BoundsPrediction[] {
  const { compiled, cores } = input;
  const k = input.cpuStretch ?? 1;
  const raw = compiled.demand;
  const d = { home: raw.home * k, worker: raw.worker * k, pool: raw.pool * k, client: raw.client * k };
  const costs = compiled.costs;
  const total = d.home + d.worker + d.pool + d.client;
  const homes = compiled.homeThreads;
  const workers = compiled.runtime === 'thread' ? compiled.maxWorkers : compiled.workerThreads;
  const limits: { name: string; us: number }[] = [
    { name: `${cores} core${cores > 1 ? 's' : ''}`, us: total / cores },
    { name: homes > 1 ? `${homes} connection threads` : 'the connection thread', us: d.home / Math.min(homes, cores) },
  ];
  if (workers > 0) limits.push({ name: `${workers} workers`, us: d.worker / Math.min(workers, cores) });
  if (d.pool > 0) limits.push({ name: "libuv's pool", us: d.pool / Math.min(costs.uvThreads, cores) });
  if (d.client > 0) limits.push({ name: 'the load generator', us: d.client });
  const hold = writeHoldPerRequest(input.model, compiled);
  if (hold !== null) limits.push({ name: `lock ${hold.lock}`, us: hold.us * k });
  const bottleneck = limits.reduce((a, b) => (b.us > a.us ? b : a));
  // Time a request spends with nothing in its way: all its demand, the network both ways, wake-ups.
  const hops = compiled.runtime === 'threadpool' || compiled.runtime === 'thread' ? 2 : 0;
  const z = 2 * costs.netUs + d.client;
  const r0 = d.home + d.worker + d.pool + hops * costs.wakeUs;
  return connections.map((n) => {
    const light = n / ((r0 + z) / 1e6);
    const heavy = 1e6 / bottleneck.us;
    const x = Math.min(light, heavy);
    const r = Math.max(r0, (n / x) * 1e6 - z);
    return { connections: n, throughput: x, p50Ms: r / 1000, limit: light < heavy ? 'no queueing (N / (D + Z))' : bottleneck.name };
  });
}
