/**
 * `thread`: a worker per session (per connection, for a server), as the 2006 runtime had a thread per flow.
 *
 * - A session's first flow starts its worker; the session's flows wait for it to be ready, then run on it,
 *   interleaved at their awaits.
 * - When the session has ended and its flows have finished, its worker sends its statistics and is terminated.
 * - A flow without a session gets a short-lived worker of its own, terminated when the flow ends.
 * - At most `maxThreads` workers are alive at once. Past that, a flow is refused (the target's handler runs on
 *   the main thread with an overload error and the outcome is `{ status: 'overload' }`) if it would start a new
 *   session: a session's thread lives as long as its connection, so waiting for one could take forever. A flow
 *   without a session waits instead, FIFO, for one of the short-lived per-flow threads to end, as long as fewer
 *   than `queueLimit` flows wait so; past that it is refused too.
 * - A worker that dies takes only its session's running flows down (the target's handler runs on the main
 *   thread with FLUX_ERR_WORKER_DIED); its locks are released and the session's next flow starts a new worker.
 *
 * What this costs is the point of having it: every worker is a new V8 isolate that imports the implementation
 * and runs `setup` (see README, "Threads: costs").
 */

import type { FlowOutcome, SessionKey } from '../api.ts';
import type { RuntimeCore, RuntimeInstance } from '../core/core.ts';
import type { StatsSnapshot } from '../stats/snapshot.ts';
import { ThreadsBase } from './base.ts';
import { Errors } from './errors.ts';
import { threadsSettings, type ThreadsOptions, type ThreadsSettings } from './options.ts';
import { stoppedOutcome } from './pool.ts';
import { SessionBook, type SessionRecord } from './sessions.ts';
import { outcomePromise, takeResolve, type FlowJob, type WorkerHost, type WorkerHostEvents } from './worker-host.ts';

interface SessionWorker {
  worker: WorkerHost | null;
  /** Flows waiting for `worker` to be ready (or for a thread to be free to start it). */
  readonly waiting: ThreadJob[];
  /** In the queue of owners waiting for a free thread. */
  queued: boolean;
}

interface ThreadJob extends FlowJob {
  readonly record: SessionRecord<SessionWorker> | null;
}

/** Who a worker serves: a session, or a single flow without one. */
type Owner = { readonly kind: 'session'; readonly record: SessionRecord<SessionWorker> } | { readonly kind: 'flow'; readonly state: SessionWorker };

export interface ThreadInstance extends RuntimeInstance {
  readonly settings: ThreadsSettings;
  readonly base: ThreadsBase;
  /** worker_threads.threadId of each live, ready worker. */
  threadIds(): number[];
  /** Workers alive now (starting, ready or stopping). */
  readonly liveWorkers: number;
}

export async function startThread(core: RuntimeCore, options: ThreadsOptions): Promise<ThreadInstance> {
  const settings = threadsSettings(options);
  const base = new ThreadsBase(core, {
    rows: settings.maxThreads,
    // Not maxThreads: a session keeps its slot while its thread is gone (died) or while it drains.
    maxSessions: settings.maxSessions,
    stats: options.stats,
    statsTimeoutMs: settings.statsTimeoutMs,
    compileCache: settings.compileCache,
  });
  const owners = new Map<WorkerHost, Owner>();
  /** Owners whose worker could not start yet because `maxThreads` workers are alive, FIFO. */
  const threadQueue: { readonly owner: Owner; readonly state: SessionWorker }[] = [];
  const retiring = new Set<Promise<void>>();
  let nextThreadIndex = 0;
  /** Flows waiting for a thread to be free (bounded by queueLimit); flows waiting for a starting worker are not counted. */
  let queuedFlows = 0;
  let overloads = 0;
  let closed = false;

  const sessions = new SessionBook<SessionWorker>(
    base.sessionTable,
    () => ({ worker: null, waiting: [], queued: false }),
    (record) => {
      const worker = record.extra.worker;
      record.extra.worker = null;
      if (worker !== null) retire(worker);
    },
  );

  /** Ends a worker that has no more work: final stats, terminate, release its row. */
  const retire = (worker: WorkerHost): void => {
    owners.delete(worker);
    const done = (async () => {
      await worker.requestStats(settings.statsTimeoutMs);
      await worker.terminate();
      base.recover(worker, true);
      startQueued();
    })();
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  };

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
      finish(job as ThreadJob, outcome);
      const owner = owners.get(host);
      if (owner?.kind === 'flow') retire(host);
    },
    died(host, detail, orphans) {
      base.deaths++;
      base.recover(host, true);
      const owner = owners.get(host);
      owners.delete(host);
      const wasReady = host.threadId !== -1;
      const error = wasReady ? Errors.workerDied(host.index, detail) : Errors.workerStartFailed(host.index, detail);
      core.reportError(error);
      const state = owner === undefined ? null : owner.kind === 'session' ? owner.record.extra : owner.state;
      const stranded = state === null ? [] : state.waiting.splice(0);
      if (state !== null && state.worker === host) state.worker = null; // the session's next flow starts a new one
      for (const job of [...orphans, ...stranded]) settle(job as ThreadJob, base.orphaned(job, error));
      startQueued();
    },
    reportError: core.reportError,
  };

  const startWorker = (owner: Owner, state: SessionWorker): WorkerHost | null => {
    const host = base.spawn(nextThreadIndex++, events);
    if (host === null) return null;
    owners.set(host, owner);
    state.worker = host;
    host.ready.then(
      () => {
        if (state.worker !== host) return;
        for (const job of state.waiting.splice(0)) host.run(job);
      },
      () => {}, // died() settles the waiting flows
    );
    return host;
  };

  /** Starts workers for queued owners while threads are free. */
  const startQueued = (): void => {
    while (!closed && threadQueue.length > 0 && base.freeRowCount > 0) {
      const { owner, state } = threadQueue.shift()!;
      state.queued = false;
      queuedFlows -= state.waiting.length;
      if (state.waiting.length > 0) startWorker(owner, state);
    }
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
    threadIds() {
      return [...owners.keys()].filter((w) => w.state === 'ready').map((w) => w.threadId);
    },
    dispatch(source: number, outputs: readonly unknown[], session: SessionKey | undefined) {
      const target = base.plan.sources[source]!.target.name;
      if (closed) return { status: 'error', node: target, code: Errors.stopped().code, message: 'the server is stopping' };
      let record: SessionRecord<SessionWorker> | null = null;
      let state: SessionWorker;
      let owner: Owner;
      if (session === undefined) {
        state = { worker: null, waiting: [], queued: false };
        owner = { kind: 'flow', state };
      } else {
        record = sessions.getOrOpen(session);
        if (record === null) return refuse(source, outputs);
        state = record.extra;
        owner = { kind: 'session', record };
      }
      let worker = state.worker !== null && state.worker.alive ? state.worker : null;
      if (worker === null && !state.queued) {
        worker = startWorker(owner, state);
        if (worker === null) {
          // maxThreads workers are alive. A session's thread can live as long as its connection, so a new session
          // is refused at once; a flow without a session waits for one of the short-lived threads to end, unless
          // too many flows wait already.
          if (owner.kind === 'session' || queuedFlows >= settings.queueLimit) return refuse(source, outputs);
          state.queued = true;
          threadQueue.push({ owner, state });
        }
      } else if (state.queued && queuedFlows >= settings.queueLimit) {
        return refuse(source, outputs);
      }
      const done = outcomePromise();
      const job: ThreadJob = { source, outputs, session: record?.token ?? -1, target, finish: takeResolve(), record };
      if (record !== null) sessions.flowStarted(record);
      if (worker !== null && worker.state === 'ready') worker.run(job);
      else {
        state.waiting.push(job);
        if (state.queued) queuedFlows++;
      }
      return done;
    },
    endSession(key: SessionKey) {
      sessions.end(key);
    },
    async stats() {
      if (finalStats !== null) return finalStats;
      // Workers being retired hand their statistics over first (a flow's outcome arrives before that).
      await Promise.all([...retiring]);
      return base.stats([...owners.keys()], figures());
    },
    async close() {
      if (closed) return;
      closed = true;
      const live = [...owners.keys()];
      const states = [...live.map((w) => owners.get(w)!), ...threadQueue.map((q) => q.owner)].map((o) =>
        o.kind === 'session' ? o.record.extra : o.state,
      );
      threadQueue.length = 0;
      for (const state of states) for (const job of state.waiting.splice(0)) finish(job, stoppedOutcome(job));
      queuedFlows = 0;
      finalStats = await base.stats(live, figures());
      await Promise.all([...retiring]);
      await Promise.all(
        live.map(async (w) => {
          owners.delete(w);
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
    sessionsOpen: sessions.size,
    waitingForThread: queuedFlows,
    overloads,
  });

  return instance;
}
