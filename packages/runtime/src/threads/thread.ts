/**
 * `thread`: a thread per session (per connection, for a server), as the 2006 runtime had a thread per flow.
 *
 * - A session's flows run on one worker, interleaved at their awaits; a worker runs the flows of one session at a
 *   time. A flow without a session has a worker to itself while it runs.
 * - A session gets a worker when its first flow arrives and nobody is waiting: an idle worker (no owner), else
 *   the worker of the session that has gone longest without a running flow (taken from it), else a new worker
 *   while fewer than `threads` (default: the cores) are alive. Otherwise the session waits for one in a FIFO queue,
 *   like a connection in an accept backlog: at most `queueLimit` flows wait so, each for at most `threadWaitMs`; a
 *   flow past either limit takes the overload path (the target's handler runs on the main thread with
 *   FLUX_ERR_OVERLOAD, the outcome is `{ status: 'overload' }`).
 * - Past `threads` live workers, up to `maxThreads`, a worker starts for the waiting sessions only once the oldest
 *   has waited `threadStartAfterMs` for a running one to come free and the CPUs have idle time: a thread more helps
 *   when the others wait on something, not when the cores are busy (then every worker more made each request
 *   dearer, see README). At most `threads` workers start at once; a new one goes to the head of the queue.
 * - When a session has no flow running, its worker is free for others: it goes at once to the session at the head
 *   of the queue, else it stays with the session (its next flow runs there with no hand-over) until someone needs
 *   it. A session whose worker was given away gets one again as above. So idle sessions (an idle keep-alive
 *   connection) hold no thread anyone waits for, and a finished session's worker serves the next session instead
 *   of being terminated and started again (25 ms). Session-scope locks live in shared memory under the session's
 *   slot, not in the worker, and a worker with no running flow holds no lock, so a worker can change sessions.
 * - A worker that has run no flow for `threadIdleMs` sends its statistics and is terminated.
 * - A worker that dies takes only its session's running flows down (the target's handler runs on the main thread
 *   with FLUX_ERR_WORKER_DIED); its locks are released and the session's next flow gets another worker.
 *
 * What this costs is the point of having it: every worker is a new V8 isolate that imports the implementation
 * and runs `setup` (see README, "Threads: costs").
 */

import type { FlowOutcome, SessionKey } from '../api.ts';
import type { RuntimeCore, RuntimeInstance } from '../core/core.ts';
import { systemClock } from '../stats/clock.ts';
import type { StatsSnapshot } from '../stats/snapshot.ts';
import { ThreadsBase } from './base.ts';
import { Errors } from './errors.ts';
import { cpuRoomSampler, threadsSettings, type ThreadsOptions, type ThreadsSettings } from './options.ts';
import { stoppedOutcome } from './pool.ts';
import { RingQueue } from './queue.ts';
import { SessionBook, type SessionRecord } from './sessions.ts';
import { outcomePromise, takeResolve, type FlowJob, type WorkerHost, type WorkerHostEvents } from './worker-host.ts';

/** What a session (or a flow without one) has of a thread. */
interface Seat {
  /** Its worker: running its flows, starting for them, or kept for its next flow. Null when it has none. */
  worker: WorkerHost | null;
  /** Flows waiting for `worker` to be ready, or (when `queued`) for a thread. */
  readonly waiting: ThreadJob[];
  /** In the queue of owners waiting for a thread. */
  queued: boolean;
}

interface ThreadJob extends FlowJob {
  readonly record: SessionRecord<Seat> | null;
}

/** Who a worker serves: a session, or a single flow without one. */
type Owner = { readonly kind: 'session'; readonly record: SessionRecord<Seat> } | { readonly kind: 'flow'; readonly seat: Seat };

/** An owner in the queue for a thread, since `since` (performance.now()). */
interface Waiter {
  readonly owner: Owner;
  readonly since: number;
}

const seatOf = (owner: Owner): Seat => (owner.kind === 'session' ? owner.record.extra : owner.seat);

export interface ThreadInstance extends RuntimeInstance {
  readonly settings: ThreadsSettings;
  readonly base: ThreadsBase;
  /** worker_threads.threadId of each live, ready worker. */
  threadIds(): number[];
  /** Workers alive now (starting, ready, idle or being ended). */
  readonly liveWorkers: number;
  /** Sessions (and flows without one) waiting for a thread now. */
  readonly waitingOwners: number;
}

export async function startThread(core: RuntimeCore, options: ThreadsOptions): Promise<ThreadInstance> {
  const settings = threadsSettings(options);
  const base = new ThreadsBase(core, {
    rows: settings.maxThreads,
    // Not maxThreads: a session keeps its slot while it waits for a thread, or while it has none between flows.
    maxSessions: settings.maxSessions,
    stats: options.stats,
    statsTimeoutMs: settings.statsTimeoutMs,
    compileCache: settings.compileCache,
  });
  /** Every worker not being ended: its owner, or null while it is idle. */
  const workers = new Map<WorkerHost, Owner | null>();
  /** Idle workers (no owner), the longest idle first; a new owner takes the last. */
  const idle: WorkerHost[] = [];
  /** Workers kept by a session with no running flow, the longest kept first: anyone who needs a worker takes them. */
  const kept = new Set<WorkerHost>();
  /** When each idle or kept worker ran its last flow (performance.now()). */
  const restingSince = new Map<WorkerHost, number>();
  /** Owners waiting for a thread, FIFO; each has at least one flow waiting, so flows bound the length. */
  const queue = new RingQueue<Waiter>(settings.queueLimit);
  const retiring = new Set<Promise<void>>();
  let nextThreadIndex = 0;
  /** Workers starting now; of those, the ones started for the queue (no owner yet). */
  const starting = new Set<WorkerHost>();
  const startingForQueue = new Set<WorkerHost>();
  /** Flows of queued owners (bounded by queueLimit). Flows waiting for their owner's worker to start are not counted. */
  let queuedFlows = 0;
  let overloads = 0;
  let waitTimeouts = 0;
  /** Workers given to an owner other than the one they last served (a start saved). */
  let reused = 0;
  let closed = false;
  let queueTimer: ReturnType<typeof setTimeout> | null = null;
  let queueTimerAt = 0;
  /** No worker starts past `threads` before this (performance.now()): the CPUs were busy at the last look. */
  let nextStartCheck = 0;
  const cpuHasRoom = options.cpuHasRoom ?? cpuRoomSampler();
  let idleTimer: ReturnType<typeof setTimeout> | null = null;

  const sessions = new SessionBook<Seat>(
    base.sessionTable,
    () => ({ worker: null, waiting: [], queued: false }),
    (record) => {
      // The session ended and its flows finished: its worker serves someone else.
      const worker = record.extra.worker;
      record.extra.worker = null;
      if (worker !== null && workers.get(worker)?.kind === 'session') free(worker);
    },
  );

  const finish = (job: ThreadJob, outcome: FlowOutcome): void => {
    if (job.record !== null) sessions.flowEnded(job.record);
    job.finish(outcome);
  };

  const settle = (job: ThreadJob, outcome: FlowOutcome | Promise<FlowOutcome>): void => {
    if (outcome instanceof Promise) outcome.then((o) => finish(job, o));
    else finish(job, outcome);
  };

  const events: WorkerHostEvents = {
    flowDone(host, job, outcome) {
      const owner = workers.get(host);
      finish(job as ThreadJob, outcome);
      // Ending the flow may have closed its session, which passed the worker on already.
      if (host.load === 0 && owner !== undefined && owner !== null && workers.get(host) === owner) rest(host, owner);
    },
    died(host, detail, orphans) {
      base.deaths++;
      base.recover(host, true);
      const known = workers.has(host);
      const owner = workers.get(host) ?? null;
      forget(host);
      starting.delete(host);
      startingForQueue.delete(host);
      const wasReady = host.threadId !== -1;
      const error = wasReady ? Errors.workerDied(host.index, detail) : Errors.workerStartFailed(host.index, detail);
      core.reportError(error);
      let stranded: ThreadJob[] = [];
      if (owner !== null) {
        const seat = seatOf(owner);
        if (seat.worker === host) {
          seat.worker = null; // the owner's next flow gets another worker
          stranded = seat.waiting.splice(0);
        }
      } else if (known && !wasReady && !closed) {
        // Started for the queue: the owner at its head takes the failure, so a setup that always fails cannot make
        // the queue start workers in a loop.
        const waiter = queue.shift();
        if (waiter !== undefined) stranded = dequeued(waiter.owner).waiting.splice(0);
      }
      for (const job of [...orphans, ...stranded]) settle(job as ThreadJob, base.orphaned(job, error));
      pump();
    },
    reportError: core.reportError,
  };

  /** Drops a worker from every structure (it died or is being ended). */
  const forget = (host: WorkerHost): void => {
    workers.delete(host);
    kept.delete(host);
    restingSince.delete(host);
    const at = idle.indexOf(host);
    if (at >= 0) idle.splice(at, 1);
  };

  const bind = (host: WorkerHost, owner: Owner): void => {
    workers.set(host, owner);
    const seat = seatOf(owner);
    seat.worker = host;
    if (host.state === 'ready') for (const job of seat.waiting.splice(0)) host.run(job);
  };

  /**
   * Starts a worker for `owner`, whose flows wait in its seat until the worker is ready; or, for null, a worker for
   * whoever heads the queue when it is ready.
   */
  const spawn = (owner: Owner | null): WorkerHost | null => {
    if (starting.size >= settings.threads) return null;
    const host = base.spawn(nextThreadIndex++, events);
    if (host === null) return null;
    starting.add(host);
    workers.set(host, owner);
    if (owner !== null) seatOf(owner).worker = host;
    else startingForQueue.add(host);
    host.ready.then(
      () => {
        starting.delete(host);
        startingForQueue.delete(host);
        const now = workers.get(host);
        if (now === undefined) return; // ended meanwhile (the server is closing)
        if (now === null) free(host);
        else {
          const seat = seatOf(now);
          for (const job of seat.waiting.splice(0)) host.run(job);
          if (host.load === 0) rest(host, now);
        }
        pump();
      },
      () => {}, // died() settles the flows waiting for it
    );
    return host;
  };

  /**
   * A worker for an owner that has none, when nobody waits: idle, taken from a session that keeps one, or new if no
   * worker could come free for it (none is alive) or new ones start without waiting (`threadStartAfterMs` 0).
   */
  const acquire = (owner: Owner): WorkerHost | null => {
    const host = idle.pop() ?? takeKept();
    if (host !== undefined) {
      restingSince.delete(host);
      reused++;
      bind(host, owner);
      return host;
    }
    return workers.size < settings.threads || settings.threadStartAfterMs === 0 ? spawn(owner) : null;
  };

  /** The kept worker whose session has gone longest without a flow, taken from that session. */
  const takeKept = (): WorkerHost | undefined => {
    for (const host of kept) {
      kept.delete(host);
      const owner = workers.get(host);
      if (owner !== undefined && owner !== null) seatOf(owner).worker = null;
      workers.set(host, null);
      return host;
    }
    return undefined;
  };

  /** `host` finished its owner's last running flow. */
  const rest = (host: WorkerHost, owner: Owner): void => {
    if (owner.kind === 'session' && queue.size === 0 && !closed) {
      // Kept for the session's next flow, unless someone needs a worker first.
      kept.add(host);
      restingSince.set(host, performance.now());
      armIdle();
      return;
    }
    seatOf(owner).worker = null;
    free(host);
  };

  /** `host` has no owner now: to the head of the queue, else idle. */
  const free = (host: WorkerHost): void => {
    kept.delete(host);
    workers.set(host, null);
    if (closed) return;
    const waiter = queue.shift();
    if (waiter !== undefined) {
      grant(host, waiter);
      return;
    }
    idle.push(host);
    restingSince.set(host, performance.now());
    armIdle();
  };

  const dequeued = (owner: Owner): Seat => {
    const seat = seatOf(owner);
    seat.queued = false;
    queuedFlows -= seat.waiting.length;
    return seat;
  };

  const grant = (host: WorkerHost, waiter: Waiter): void => {
    restingSince.delete(host);
    dequeued(waiter.owner);
    reused++;
    bind(host, waiter.owner);
  };

  /**
   * Gives queued owners the workers there are to give, and starts workers for those left once the oldest has waited
   * `threadStartAfterMs` for one to come free (at once when none is alive), within the limits.
   */
  const pump = (): void => {
    while (!closed && queue.size > 0) {
      const host = idle.pop() ?? takeKept();
      if (host !== undefined) grant(host, queue.shift()!);
      else if (startingForQueue.size >= queue.size || !startDue(performance.now()) || spawn(null) === null) break;
    }
    armQueueTimer();
  };

  /** Whether a worker may start now for the waiting owners (it may when fewer than `threads` are alive). */
  const startDue = (now: number): boolean => {
    if (workers.size < settings.threads || settings.threadStartAfterMs === 0) return true;
    if (now - queue.peek()!.since < settings.threadStartAfterMs || now < nextStartCheck) return false;
    if (cpuHasRoom()) return true;
    nextStartCheck = now + settings.threadStartAfterMs; // the CPUs are busy: a thread more would only slow the others
    return false;
  };

  /**
   * One timer for the queue's head: when it is due a new worker (`threadStartAfterMs`) and when it has waited too
   * long (`threadWaitMs`). Lazy: moved only to an earlier time; a head served meanwhile leaves it to fire early.
   */
  const armQueueTimer = (): void => {
    const head = queue.peek();
    if (head === undefined || closed) return;
    const startAt = startingForQueue.size < queue.size ? Math.max(head.since + settings.threadStartAfterMs, nextStartCheck) : Number.POSITIVE_INFINITY;
    const at = Math.min(head.since + settings.threadWaitMs, startAt);
    if (queueTimer !== null) {
      if (at >= queueTimerAt) return;
      clearTimeout(queueTimer);
    }
    queueTimerAt = at;
    queueTimer = setTimeout(onQueueTimer, Math.max(1, at - performance.now()));
  };

  const onQueueTimer = (): void => {
    queueTimer = null;
    const now = performance.now();
    for (let head = queue.peek(); head !== undefined && now - head.since >= settings.threadWaitMs; head = queue.peek()) {
      queue.shift();
      const seat = dequeued(head.owner);
      for (const job of seat.waiting.splice(0)) {
        waitTimeouts++;
        overloads++;
        settle(job, base.overload(job));
      }
    }
    pump();
  };

  /** Ends workers that have run no flow for `threadIdleMs`; the timer is lazy too. */
  const armIdle = (): void => {
    if (idleTimer !== null || closed) return;
    let oldest = Number.POSITIVE_INFINITY;
    if (idle.length > 0) oldest = restingSince.get(idle[0]!)!;
    for (const host of kept) {
      oldest = Math.min(oldest, restingSince.get(host)!);
      break;
    }
    if (oldest === Number.POSITIVE_INFINITY) return;
    idleTimer = setTimeout(onIdleTimer, Math.max(1, oldest + settings.threadIdleMs - performance.now()));
  };

  const onIdleTimer = (): void => {
    idleTimer = null;
    const cutoff = performance.now() - settings.threadIdleMs;
    while (idle.length > 0 && restingSince.get(idle[0]!)! <= cutoff) retire(idle[0]!);
    for (const host of kept) {
      if (restingSince.get(host)! > cutoff) break;
      const owner = workers.get(host);
      if (owner !== undefined && owner !== null) seatOf(owner).worker = null;
      retire(host);
    }
    armIdle();
  };

  /** Ends a worker that has no more work: final stats, terminate, release its row. */
  const retire = (host: WorkerHost): void => {
    forget(host);
    const done = (async () => {
      await host.requestStats(settings.statsTimeoutMs);
      await host.terminate();
      base.recover(host, true);
      pump();
    })();
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  };

  const refuse = (source: number, outputs: readonly unknown[]): FlowOutcome | Promise<FlowOutcome> => {
    overloads++;
    return base.overload({ source, outputs });
  };

  const instance: ThreadInstance = {
    settings,
    base,
    get liveWorkers() {
      return settings.maxThreads - base.freeRowCount;
    },
    get waitingOwners() {
      return queue.size;
    },
    threadIds() {
      return [...workers.keys()].filter((w) => w.state === 'ready').map((w) => w.threadId);
    },
    dispatch(source: number, outputs: readonly unknown[], session: SessionKey | undefined) {
      base.mainStats.emitted(source, systemClock); // sources run here, so their emissions are counted here
      const target = base.plan.sources[source]!.target.name;
      if (closed) return { status: 'error', node: target, code: Errors.stopped().code, message: 'the server is stopping' };
      let record: SessionRecord<Seat> | null = null;
      let owner: Owner;
      if (session === undefined) owner = { kind: 'flow', seat: { worker: null, waiting: [], queued: false } };
      else {
        record = sessions.getOrOpen(session);
        if (record === null) return refuse(source, outputs);
        owner = { kind: 'session', record };
      }
      const seat = seatOf(owner);
      let worker = seat.worker;
      if (worker === null) {
        // Owners already waiting go first: a worker is taken at once only when the queue is empty.
        if (!seat.queued && queue.size === 0) worker = acquire(owner);
        if (worker === null) {
          // No worker to be had now: wait for one, unless too many flows wait already.
          if (queuedFlows >= settings.queueLimit) return refuse(source, outputs);
          if (!seat.queued) {
            seat.queued = true;
            queue.push({ owner, since: performance.now() });
            pump();
          }
        }
      } else if (kept.delete(worker)) restingSince.delete(worker);
      const done = outcomePromise();
      const job: ThreadJob = { source, outputs, session: record?.token ?? -1, target, finish: takeResolve(), record };
      if (record !== null) sessions.flowStarted(record);
      if (worker !== null && worker.state === 'ready') worker.run(job);
      else {
        seat.waiting.push(job);
        if (seat.queued) queuedFlows++;
      }
      return done;
    },
    endSession(key: SessionKey) {
      sessions.end(key);
    },
    async stats() {
      if (finalStats !== null) return finalStats;
      // Workers being ended hand their statistics over first (a flow's outcome arrives before that).
      await Promise.all([...retiring]);
      return base.stats([...workers.keys()], figures());
    },
    async close() {
      if (closed) return;
      closed = true;
      if (queueTimer !== null) clearTimeout(queueTimer);
      if (idleTimer !== null) clearTimeout(idleTimer);
      const live = [...workers.keys()];
      const owners = [...workers.values(), ...queue.drain().map((w) => w.owner)];
      for (const owner of owners) if (owner !== null) for (const job of seatOf(owner).waiting.splice(0)) finish(job, stoppedOutcome(job));
      queuedFlows = 0;
      finalStats = await base.stats(live, figures());
      await Promise.all([...retiring]);
      await Promise.all(
        live.map(async (w) => {
          forget(w);
          for (const job of await w.terminate()) finish(job as ThreadJob, stoppedOutcome(job));
          base.recover(w, false); // its work is in finalStats already
        }),
      );
    },
  };

  let finalStats: StatsSnapshot | null = null;
  const figures = (): Record<string, number> => ({
    maxThreads: settings.maxThreads,
    threadsLive: instance.liveWorkers,
    threadsIdle: idle.length + kept.size,
    sessionsOpen: sessions.size,
    sessionsWaiting: queue.size,
    waitingForThread: queuedFlows,
    threadsReused: reused,
    waitTimeouts,
    overloads,
  });

  return instance;
}
