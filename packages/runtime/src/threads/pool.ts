/**
 * `threadpool`: a fixed pool of workers fed from a bounded FIFO queue.
 *
 * - A flow goes to the least-loaded ready worker that runs fewer than `flowsPerWorker` flows; otherwise it waits
 *   in the ring queue; if the queue is full it is refused: the target's handler runs on the main thread with an
 *   overload error (FLUX_ERR_OVERLOAD) and the outcome is `{ status: 'overload' }`.
 * - A worker that dies takes only its own flows down: its locks are released from its held row, each of its
 *   flows runs the target's handler on the main thread with FLUX_ERR_WORKER_DIED, and a new worker takes its
 *   place (same thread index, same row) while the others keep serving.
 * - close: refuses what is still queued (FLUX_ERR_STOPPED), collects every worker's final statistics, terminates.
 */

import type { FlowOutcome, SessionKey } from '../api.ts';
import type { RuntimeCore, RuntimeInstance } from '../core/core.ts';
import type { FluxError } from '../errors.ts';
import { epochNow, systemClock } from '../stats/clock.ts';
import type { StatsSnapshot } from '../stats/snapshot.ts';
import { ThreadsBase } from './base.ts';
import { Errors } from './errors.ts';
import { threadsSettings, type ThreadsOptions, type ThreadsSettings } from './options.ts';
import { RingQueue } from './queue.ts';
import { SessionBook, type SessionRecord } from './sessions.ts';
import { outcomePromise, takeResolve, type FlowJob, type WorkerHost, type WorkerHostEvents } from './worker-host.ts';

/** How long to wait before starting a replacement for a worker that failed to start. */
const RESTART_BACKOFF_MS = 1000;

interface PoolJob extends FlowJob {
  readonly record: SessionRecord<null> | null;
}

/** What tests and benchmarks can look at (through `server[kInstance]`). */
export interface ThreadpoolInstance extends RuntimeInstance {
  readonly settings: ThreadsSettings;
  /** worker_threads.threadId of each live, ready worker. */
  threadIds(): number[];
  /** Flows waiting in the queue now. */
  readonly queued: number;
  /** Held-table view and session table, for tests asserting that nothing leaks. */
  readonly base: ThreadsBase;
}

export async function startThreadpool(core: RuntimeCore, options: ThreadsOptions): Promise<ThreadpoolInstance> {
  const settings = threadsSettings(options);
  const base = new ThreadsBase(core, {
    rows: settings.threads,
    maxSessions: settings.maxSessions,
    stats: options.stats,
    statsTimeoutMs: settings.statsTimeoutMs,
    compileCache: settings.compileCache,
  });
  const queue = new RingQueue<PoolJob>(settings.queueLimit);
  const sessions = base.sessionTable === null ? null : new SessionBook<null>(base.sessionTable, () => null, () => {});
  const workers: (WorkerHost | null)[] = new Array(settings.threads).fill(null);
  /** Each source's target node name, by source index (outcomes that never reached node code name it). */
  const targets = base.plan.sources.map((s) => s.target.name);
  let closed = false;
  let overloads = 0;

  const finish = (job: PoolJob, outcome: FlowOutcome): void => {
    if (job.record !== null) sessions!.flowEnded(job.record);
    job.finish(outcome);
  };

  /** Hands queued flows to workers with room. */
  const pump = (): void => {
    while (queue.size > 0) {
      const worker = pick();
      if (worker === null) return;
      worker.run(queue.shift()!);
    }
  };

  const pick = (): WorkerHost | null => {
    let best: WorkerHost | null = null;
    for (const w of workers) {
      if (w === null || w.state !== 'ready' || w.load >= settings.flowsPerWorker) continue;
      if (best === null || w.load < best.load) best = w;
    }
    return best;
  };

  const events: WorkerHostEvents = {
    flowDone(_host, job, outcome) {
      finish(job as PoolJob, outcome);
      pump();
    },
    died(host, detail, orphans) {
      base.deaths++;
      base.recover(host, true);
      const wasReady = host.threadId !== -1;
      const error = wasReady ? Errors.workerDied(host.index, detail) : Errors.workerStartFailed(host.index, detail);
      core.reportError(error);
      for (const job of orphans) settle(job as PoolJob, base.orphaned(job, error));
      if (closed) return;
      workers[host.index] = null;
      // A worker that died while starting is retried after a pause, so a setup that always fails does not spin.
      if (wasReady) replace(host.index);
      else setTimeout(() => !closed && workers[host.index] === null && replace(host.index), RESTART_BACKOFF_MS).unref();
    },
    reportError: core.reportError,
  };

  const settle = (job: PoolJob, outcome: FlowOutcome | Promise<FlowOutcome>): void => {
    if (outcome instanceof Promise) outcome.then((o) => finish(job, o));
    else finish(job, outcome);
  };

  const replace = (index: number): WorkerHost => {
    const host = base.spawn(index, events)!; // the dead worker's row was freed by recover()
    workers[index] = host;
    host.ready.then(pump, () => {});
    return host;
  };

  // Start every worker; the server starts serving once all ran setup.
  for (let i = 0; i < settings.threads; i++) replace(i);
  const started = await Promise.allSettled(workers.map((w) => w!.ready));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed !== undefined) {
    closed = true;
    await Promise.all(workers.map((w) => w?.terminate()));
    throw (failed as PromiseRejectedResult).reason as FluxError;
  }

  let finalStats: StatsSnapshot | null = null;
  const figures = (): Record<string, number> => ({
    threads: settings.threads,
    flowsPerWorker: settings.flowsPerWorker,
    queueLimit: settings.queueLimit,
    queued: queue.size,
    running: workers.reduce((n, w) => n + (w?.load ?? 0), 0),
    overloads,
    sessionsOpen: sessions?.size ?? 0,
  });

  const instance: ThreadpoolInstance = {
    settings,
    base,
    get queued() {
      return queue.size;
    },
    threadIds() {
      return workers.filter((w): w is WorkerHost => w !== null && w.state === 'ready').map((w) => w.threadId);
    },
    dispatch(source: number, outputs: readonly unknown[], session: SessionKey | undefined) {
      base.mainStats.emitted(source, systemClock); // sources run here, so their emissions are counted here
      if (closed) return { status: 'error', node: targets[source]!, code: Errors.stopped().code, message: 'the server is stopping' };
      let record: SessionRecord<null> | null = null;
      if (sessions !== null && session !== undefined) {
        record = sessions.getOrOpen(session);
        if (record === null) {
          overloads++;
          return base.overload({ source, outputs });
        }
      }
      const done = outcomePromise();
      const job: PoolJob = { source, outputs, session: record?.token ?? -1, target: targets[source]!, finish: takeResolve(), record, queuedAt: -1 };
      const worker = queue.size === 0 ? pick() : null;
      if (worker !== null) worker.run(job);
      else {
        job.queuedAt = epochNow(); // the profile's queue wait starts here (one clock read, only when queued)
        if (!queue.push(job)) {
          overloads++;
          return base.overload({ source, outputs });
        }
      }
      if (record !== null) sessions!.flowStarted(record);
      return done;
    },
    endSession(key: SessionKey) {
      sessions?.end(key);
    },
    async stats() {
      if (finalStats !== null) return finalStats;
      return base.stats(workers.filter((w): w is WorkerHost => w !== null), figures());
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const job of queue.drain()) finish(job, stoppedOutcome(job));
      const live = workers.filter((w): w is WorkerHost => w !== null);
      finalStats = await base.stats(live, figures());
      await Promise.all(
        live.map(async (w) => {
          for (const job of await w.terminate()) finish(job as PoolJob, stoppedOutcome(job));
          base.recover(w, false); // its work is in finalStats already
        }),
      );
      workers.fill(null);
    },
  };
  return instance;
}

export function stoppedOutcome(job: FlowJob): FlowOutcome {
  const error = Errors.stopped();
  return { status: 'error', node: job.target, code: error.code, message: error.message };
}
