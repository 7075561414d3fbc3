/**
 * What a runtime adds to a request beyond the program's own nodes, in µs: the defaults the simulator uses when
 * the profile (taken under `event`, typically) cannot show them. Each comes from a measurement in
 * ARCHITECTURE.md ("Costs measured") or packages/runtime/README.md; every one can be overridden with
 * `--cost name=value`.
 */

export type RuntimeName = 'event' | 'threadpool' | 'thread' | 'workers';
export const RUNTIMES: readonly RuntimeName[] = ['event', 'threadpool', 'thread', 'workers'];

export interface RuntimeCosts {
  /** One-way loopback delay between the load generator and the server (each direction). */
  netUs: number;
  /** Waking a sleeping thread with a message (half of the 22-59 us idle postMessage round trip). */
  wakeUs: number;
  /** `threadpool`: main-thread CPU per flow for the two crossings (web: 19.9 us on main against event's ~18 us outside nodes). */
  poolMainUs: number;
  /** `threadpool`: worker CPU per flow besides the nodes (web: 27-29 us a request in all, 19.9 of it on main, 1.5 in nodes). */
  poolWorkerUs: number;
  /** `thread`: main-thread CPU per flow for unbatched crossings (main 55-65 us against 20-30 under event). */
  threadMainUs: number;
  /** `thread`: worker CPU per flow besides the nodes (35-45 us measured, the flow included). */
  threadWorkerUs: number;
  /** `thread`: starting a worker (25 ms wall, some 35 ms of CPU with the compile cache). */
  threadStartUs: number;
  /**
   * `thread`: most workers alive; 0 = `threads` (one per core), what the runtime starts without waiting: it
   * grows past them only while the cores have half a core idle (at 8-15 under wrk on a quiet machine).
   */
  threadMaxWorkers: number;
  /** libuv's pool threads (UV_THREADPOOL_SIZE, one pool per process). */
  uvThreads: number;
}

export const DEFAULT_COSTS: RuntimeCosts = {
  netUs: 10,
  wakeUs: 15,
  poolMainUs: 2,
  poolWorkerUs: 6,
  threadMainUs: 35,
  threadWorkerUs: 38,
  threadStartUs: 35000,
  threadMaxWorkers: 0,
  uvThreads: 4,
};

export function parseCostOverride(text: string, costs: RuntimeCosts): RuntimeCosts {
  const eq = text.indexOf('=');
  const name = text.slice(0, eq);
  const value = Number(text.slice(eq + 1));
  if (eq <= 0 || !(name in costs)) throw new Error(`--cost ${text}: expected name=value with name one of ${Object.keys(costs).join(', ')}`);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--cost ${text}: the value must be a number >= 0`);
  return { ...costs, [name]: value };
}
