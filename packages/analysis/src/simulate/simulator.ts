/**
 * The discrete-event simulator: requests walk their flow's operations over threads that compete for cores,
 * locks that queue readers and writers, libuv's pool, and the crossings between threads, as each runtime
 * places them (see compile.ts). One event queue, one seeded PRNG: the same inputs and seed give the same run.
 *
 * Threads: a thread runs one request's CPU burst at a time, and only while it holds one of the `cores`; ready
 * threads get cores in FIFO order, a thread gives its core back after each burst that ends its turn (so
 * threads sharing a core interleave, roughly as the kernel's scheduler does). A message to a thread that is
 * asleep (no work, no core) reaches it after a wake-up delay; to a busy thread, at once (runtimes batch).
 */
import { EventQueue } from './event-queue.ts';
import { Prng } from './prng.ts';
import type { Distribution } from './distribution.ts';
import {
  OP_ACQUIRE, OP_ASYNC, OP_CPU, OP_END, OP_HOP, OP_NET, OP_RECEIVE, OP_RELEASE,
  SEL_CLIENT, SEL_HOME, SEL_WORKER, type CompiledRuntime, type Instr,
} from './compile.ts';

/** A thread's time slice on a shared core (Linux CFS: a 6 ms latency target shared by the runnable threads). */
const SLICE_US = 3000;

const EV_CPU_DONE = 0;
const EV_WAKE = 1;
const EV_RESUME = 2;
const EV_ARRIVAL = 3;

class SimThread {
  readonly index: number;
  readonly pool: boolean;
  current: Req | null = null;
  ready: Req[] = [];
  readyHead = 0;
  wantsCore = false;
  waking = false;
  inbox: Req[] = [];
  /** Flows assigned (threadpool's least-loaded choice); for `thread`: 1 while bound to a flow. */
  load = 0;
  busyUs = 0;
  /** When the thread last got a core (its time slice runs from there). */
  sliceStart = 0;
  constructor(index: number, pool: boolean) {
    this.index = index;
    this.pool = pool;
  }
  hasReady(): boolean {
    return this.readyHead < this.ready.length;
  }
  takeReady(): Req {
    const r = this.ready[this.readyHead++]!;
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    return r;
  }
}

class Req {
  path: readonly Instr[] = [];
  pc = 0;
  sentAt = 0;
  home: SimThread;
  worker: SimThread | null = null;
  lockIndex = 0;
  poolWork = 0;
  readonly conn: number;
  constructor(conn: number, home: SimThread) {
    this.conn = conn;
    this.home = home;
  }
}

class SimLock {
  readers = 0;
  writer = false;
  queue: { req: Req; write: boolean }[] = [];
  head = 0;
  holdStart = 0;
  busyUs = 0;
}

export interface SimulationOptions {
  readonly compiled: CompiledRuntime;
  readonly cores: number;
  /** Closed loop: this many connections, each sending its next request when the answer arrives. */
  readonly connections: number;
  /** Open loop instead: Poisson arrivals at this rate (requests per second); connections then only spread them. */
  readonly openRate?: number;
  readonly seed: number;
  /** Completions to discard before measuring, and to measure. */
  readonly warmup?: number;
  readonly measure?: number;
  /**
   * Other work on the machine: every CPU burst takes this many times its CPU time (1 + other runnable threads
   * per core, the share the kernel's fair scheduler leaves). 1 = the machine to itself.
   */
  readonly cpuStretch?: number;
  /** Stop measuring after this much simulated time even if fewer completions (µs). */
  readonly maxSimUs?: number;
}

export interface SimulationResult {
  readonly connections: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly completed: number;
  readonly simulatedSeconds: number;
  readonly events: number;
  /** Busy share of each thread over the measured span: main/home threads first, then workers, pool, client. */
  readonly utilization: Record<string, number>;
  /** Share of the measured span each lock was held (by anyone). */
  readonly lockBusy: Record<string, number>;
}

export function simulate(options: SimulationOptions): SimulationResult {
  const { compiled, cores } = options;
  if (!(cores >= 1)) throw new Error('cores must be at least 1');
  const rng = new Prng(options.seed);
  const queue = new EventQueue<unknown>();
  const costs = compiled.costs;
  const stretch = options.cpuStretch ?? 1;
  if (!(stretch >= 1)) throw new Error('cpuStretch must be at least 1');
  let now = 0;
  let events = 0;

  // Threads: homes (event: 1, workers: W, threadpool/thread: 1 main), workers, libuv pool, client.
  const homes: SimThread[] = [];
  for (let i = 0; i < compiled.homeThreads; i++) homes.push(new SimThread(homes.length, false));
  const workers: SimThread[] = [];
  for (let i = 0; i < compiled.workerThreads; i++) workers.push(new SimThread(i, false));
  const pool: SimThread[] = [];
  for (let i = 0; i < costs.uvThreads; i++) pool.push(new SimThread(i, true));
  const client = new SimThread(0, false);
  const poolQueue: Req[] = [];
  let poolHead = 0;
  const workerWaiters: Req[] = [];
  let workerWaitHead = 0;
  const locks = compiled.lockNames.map(() => new SimLock());

  // Cores.
  let freeCores = cores;
  const coreWaiters: SimThread[] = [];
  let coreHead = 0;

  const schedule = (time: number, kind: number, item: unknown): void => {
    queue.push(time, kind, item);
  };

  const kick = (t: SimThread): void => {
    if (t.current !== null || t.wantsCore || !t.hasReady()) return;
    t.wantsCore = true;
    if (freeCores > 0) {
      freeCores--;
      t.sliceStart = now;
      grant(t);
    } else coreWaiters.push(t);
  };

  const grant = (t: SimThread): void => {
    t.wantsCore = false;
    const req = t.takeReady();
    t.current = req;
    if (t.pool) {
      const d = req.poolWork * stretch;
      t.busyUs += d;
      schedule(now + d, EV_CPU_DONE, t);
    } else step(req, t);
  };

  const leave = (t: SimThread): void => {
    t.current = null;
    // A thread with more work keeps its core until its time slice is used up and someone else waits (the
    // kernel shares a core by time, not by turns: a thread of short bursts must not wait a turn per burst).
    if (t.hasReady() && (coreHead >= coreWaiters.length || now - t.sliceStart < SLICE_US)) {
      grant(t);
      return;
    }
    if (coreHead < coreWaiters.length) {
      const next = coreWaiters[coreHead++]!;
      next.sliceStart = now;
      if (coreHead > 1024 && coreHead * 2 > coreWaiters.length) {
        coreWaiters.splice(0, coreHead);
        coreHead = 0;
      }
      grant(next);
    } else freeCores++;
    kick(t);
  };

  const post = (t: SimThread, req: Req, wake: boolean): void => {
    if (t.waking) {
      t.inbox.push(req);
      return;
    }
    if (wake && t.current === null && !t.wantsCore && !t.hasReady()) {
      t.waking = true;
      t.inbox.push(req);
      const delay = compiled.wake === null ? costs.wakeUs : compiled.wake.sample(rng);
      schedule(now + delay, EV_WAKE, t);
      return;
    }
    t.ready.push(req);
    kick(t);
  };

  // A request reaches its connection's thread at once when that thread is busy, after a wake-up when asleep.
  const threadOf = (req: Req, sel: number): SimThread => (sel === SEL_HOME ? req.home : sel === SEL_WORKER ? req.worker! : client);

  const chooseWorker = (req: Req): SimThread | null => {
    if (compiled.workerBinding === 'least-loaded') {
      let best = workers[0]!;
      for (let i = 1; i < workers.length; i++) if (workers[i]!.load < best.load) best = workers[i]!;
      best.load++;
      return best;
    }
    // `thread`: a free worker (the one this connection had last, if free), else a new one, else wait.
    const last = req.worker;
    if (last !== null && last.load === 0) {
      last.load = 1;
      return last;
    }
    for (const w of workers) {
      if (w.load === 0) {
        w.load = 1;
        return w;
      }
    }
    if (workers.length < compiled.maxWorkers) {
      const w = new SimThread(workers.length, false);
      workers.push(w);
      w.load = 1;
      // A worker start: its first message waits for the start.
      w.waking = true;
      schedule(now + costs.threadStartUs, EV_WAKE, w);
      return w;
    }
    return null;
  };

  const releaseWorker = (req: Req): void => {
    const w = req.worker!;
    if (compiled.workerBinding === 'least-loaded') {
      w.load--;
      return;
    }
    w.load = 0;
    if (workerWaitHead < workerWaiters.length) {
      const waiting = workerWaiters[workerWaitHead++]!;
      w.load = 1;
      waiting.worker = w;
      post(w, waiting, true);
    }
  };

  const acquire = (req: Req, ins: Instr): boolean => {
    const list = ins.locks!;
    for (let i = req.lockIndex; i < list.length; i += 2) {
      const lock = locks[list[i]!]!;
      const write = list[i + 1] === 1;
      const free = lock.head === lock.queue.length && !lock.writer && (!write || lock.readers === 0);
      if (!free) {
        req.lockIndex = i;
        lock.queue.push({ req, write });
        return false;
      }
      take(lock, write);
    }
    req.lockIndex = 0;
    return true;
  };

  const take = (lock: SimLock, write: boolean): void => {
    if (!lock.writer && lock.readers === 0) lock.holdStart = now;
    if (write) lock.writer = true;
    else lock.readers++;
  };

  const release = (ins: Instr): void => {
    const list = ins.locks!;
    for (let i = 0; i < list.length; i += 2) {
      const lock = locks[list[i]!]!;
      if (list[i + 1] === 1) lock.writer = false;
      else lock.readers--;
      if (!lock.writer && lock.readers === 0) lock.busyUs += now - lock.holdStart;
      // Grant the head: a writer alone, or the run of readers up to the next writer.
      while (lock.head < lock.queue.length) {
        const w = lock.queue[lock.head]!;
        if (w.write ? lock.writer || lock.readers > 0 : lock.writer) break;
        lock.head++;
        take(lock, w.write);
        w.req.lockIndex += 2;
        schedule(now, EV_RESUME, w.req);
        if (w.write) break;
      }
      if (lock.head > 256 && lock.head * 2 > lock.queue.length) {
        lock.queue.splice(0, lock.head);
        lock.head = 0;
      }
    }
  };

  // Measurement.
  const warmup = options.warmup ?? Math.max(2000, options.connections * 4);
  const measure = options.measure ?? 40000;
  const maxSimUs = options.maxSimUs ?? 600e6;
  let completed = 0;
  let measureStart = -1;
  let measureEnd = -1;
  const latencies = new Float64Array(measure);
  let measured = 0;
  let busyAtStart: number[] = [];
  let lockBusyAtStart: number[] = [];
  const allThreads = (): SimThread[] => [...homes, ...workers, ...pool, client];
  let done = false;

  const pickPath = (): readonly Instr[] => {
    const u = rng.next();
    const cum = compiled.cumulative;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return compiled.paths[lo]!;
  };

  const startRequest = (req: Req): void => {
    req.path = pickPath();
    req.pc = 0;
    req.sentAt = now;
    req.lockIndex = 0;
    step(req, null);
  };

  const onResponse = (req: Req): void => {
    completed++;
    if (completed === warmup) {
      measureStart = now;
      busyAtStart = allThreads().map((t) => t.busyUs);
      lockBusyAtStart = locks.map((l) => l.busyUs);
    } else if (completed > warmup && measured < measure) {
      latencies[measured++] = now - req.sentAt;
      if (measured === measure || now - measureStart > maxSimUs) {
        measureEnd = now;
        done = true;
      }
    }
  };

  function step(req: Req, t: SimThread | null): void {
    for (;;) {
      const ins = req.path[req.pc]!;
      switch (ins.op) {
        case OP_CPU: {
          const target = threadOf(req, ins.sel);
          if (t === target) {
            const d = (ins.dist as Distribution).sample(rng) * stretch;
            t.busyUs += d;
            schedule(now + d, EV_CPU_DONE, t);
            return;
          }
          if (t !== null) leave(t);
          post(target, req, req.pc === 1 && ins.sel === SEL_HOME);
          return;
        }
        case OP_NET:
          if (t !== null) leave(t);
          req.pc++;
          schedule(now + costs.netUs, EV_RESUME, req);
          return;
        case OP_ACQUIRE:
          if (!acquire(req, ins)) {
            if (t !== null) leave(t);
            return;
          }
          req.pc++;
          break;
        case OP_RELEASE:
          release(ins);
          req.pc++;
          break;
        case OP_ASYNC: {
          if (t !== null) leave(t);
          req.pc++;
          req.poolWork = (ins.dist as Distribution).sample(rng);
          let idle: SimThread | null = null;
          for (const p of pool) {
            if (p.current === null && !p.wantsCore && !p.hasReady()) {
              idle = p;
              break;
            }
          }
          if (idle !== null) post(idle, req, false);
          else poolQueue.push(req);
          return;
        }
        case OP_HOP: {
          if (t !== null) leave(t);
          req.pc++;
          if (ins.sel === SEL_WORKER) {
            const w = chooseWorker(req);
            if (w === null) {
              workerWaiters.push(req);
              return;
            }
            req.worker = w;
            post(w, req, true);
          } else {
            releaseWorker(req);
            post(req.home, req, true);
          }
          return;
        }
        case OP_RECEIVE:
          onResponse(req);
          req.pc++;
          break;
        case OP_END:
          if (t !== null) leave(t);
          if (options.openRate === undefined && !done) startRequest(req);
          return;
      }
      t = t !== null && t.current === req ? t : null;
    }
  }

  // Clients.
  const homeOf = (conn: number): SimThread => (compiled.spreadConnections ? homes[rng.int(homes.length)]! : homes[conn % homes.length]!);
  const conns: SimThread[] = [];
  for (let c = 0; c < Math.max(1, options.connections); c++) conns.push(homeOf(c));
  if (options.openRate === undefined) {
    for (let c = 0; c < options.connections; c++) {
      const req = new Req(c, conns[c]!);
      schedule(rng.next(), EV_ARRIVAL, req);
    }
  } else {
    if (!(options.openRate > 0)) throw new Error('the open arrival rate must be above 0');
    schedule(0, EV_ARRIVAL, null);
  }
  const meanGapUs = options.openRate !== undefined ? 1e6 / options.openRate : 0;

  while (!done && queue.pop()) {
    events++;
    now = queue.topTime;
    if (now > maxSimUs * 4 && measureStart < 0) break;
    const item = queue.topItem;
    switch (queue.topKind) {
      case EV_CPU_DONE: {
        const t = item as SimThread;
        const req = t.current!;
        if (t.pool) {
          leave(t);
          if (poolHead < poolQueue.length) {
            const next = poolQueue[poolHead++]!;
            if (poolHead > 1024 && poolHead * 2 > poolQueue.length) {
              poolQueue.splice(0, poolHead);
              poolHead = 0;
            }
            post(t, next, false);
          }
          step(req, null);
        } else {
          req.pc++;
          step(req, t);
        }
        break;
      }
      case EV_WAKE: {
        const t = item as SimThread;
        t.waking = false;
        for (const r of t.inbox) t.ready.push(r);
        t.inbox.length = 0;
        kick(t);
        break;
      }
      case EV_RESUME: {
        const req = item as Req;
        if (req.path[req.pc]!.op === OP_ACQUIRE) {
          // A lock was granted: take the rest of the set, then go on.
          if (!acquire(req, req.path[req.pc]!)) break;
          req.pc++;
        }
        step(req, null);
        break;
      }
      case EV_ARRIVAL: {
        if (item === null) {
          const c = rng.int(conns.length);
          startRequest(new Req(c, conns[c]!));
          schedule(now + rng.exponential(meanGapUs), EV_ARRIVAL, null);
        } else startRequest(item as Req);
        break;
      }
    }
  }
  if (measureEnd < 0) measureEnd = now;
  const span = Math.max(1e-9, measureEnd - Math.max(0, measureStart));
  const sorted = latencies.subarray(0, measured).sort();
  const q = (p: number): number => (measured > 0 ? sorted[Math.min(measured - 1, Math.floor(p * measured))]! : NaN);
  let sum = 0;
  for (let i = 0; i < measured; i++) sum += sorted[i]!;
  const utilization: Record<string, number> = {};
  const threads = allThreads();
  const label = (t: SimThread): string =>
    homes.includes(t) ? `${compiled.homeLabel}${homes.length > 1 ? ` ${t.index}` : ''}` : workers.includes(t) ? `worker ${t.index}` : pool.includes(t) ? `uv ${t.index}` : 'client';
  threads.forEach((t, i) => {
    const busy = (t.busyUs - (busyAtStart[i] ?? 0)) / span;
    if (busy > 0) utilization[label(t)] = busy;
  });
  const lockBusy: Record<string, number> = {};
  locks.forEach((l, i) => {
    if (l.busyUs > 0) lockBusy[compiled.lockNames[i]!] = (l.busyUs - (lockBusyAtStart[i] ?? 0)) / span;
  });
  return {
    connections: options.connections,
    throughput: measured > 0 ? (measured / span) * 1e6 : 0,
    p50Ms: q(0.5) / 1000,
    p99Ms: q(0.99) / 1000,
    meanMs: measured > 0 ? sum / measured / 1000 : NaN,
    completed: measured,
    simulatedSeconds: now / 1e6,
    events,
    utilization,
    lockBusy,
  };
}
