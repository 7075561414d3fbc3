/**
 * `workers`: event on a thread pool, as nginx's workers do it. N workers each run the event interpreter over
 * their own connections: an 'every-thread' source (a listener) runs on every worker, so a request's flow starts
 * and ends on the thread whose socket it came from and crosses no thread. 'once' sources (timers, connectors)
 * run on the main thread, and so do their flows. Program locks and constraint state are in shared memory, as
 * under the threaded runtimes; session locks stay on the session's thread.
 *
 * - A worker that dies takes its connections and their flows with it (nothing else can answer on a socket that
 *   closed with its thread): its program locks are released from its held row, the death is reported, and a
 *   replacement (same index, row and id slot) starts its sources again.
 * - stop: `start` aborts the 'once' sources; `drain` aborts every worker's sources and waits for their flows
 *   (each worker within the deadline); `close` collects the final statistics and terminates the workers.
 */

import { FluxError } from '../errors.ts';
import type { RuntimeCore, RuntimeInstance, RuntimeOptions } from '../core/core.ts';
import { getIoTransport, registry, setIoTransport, WRITE_WINDOWS_BUFFER, WriteWindows } from '../io/index.ts';
import { DEFAULT_WINDOW_ROWS } from '../io/write-windows.ts';
import { applyIo } from '../threads/io-forward.ts';
import { cloneableOptions } from '../threads/options.ts';
import { threadCodes } from '../threads/errors.ts';
import { IO, type IoOp } from '../threads/protocol.ts';
import { createLockMemory, LockMemoryView } from '../shared/lock-memory.ts';
import { releaseRow } from '../shared/rwlock.ts';
import { StatsRecorder } from '../stats/recorder.ts';
import { mergeSnapshots, type StatsSnapshot } from '../stats/snapshot.ts';
import { connIdAllocator, connIdMemory, ownerOf } from './conn-ids.ts';
import { LocalFlows } from './flows.ts';
import { WorkersHost, type WorkersHostEvents } from './host.ts';
import { WorkersLockManager } from './lock-manager.ts';
import { everyThreadSources, workersSettings, type WorkersSettings } from './options.ts';
import { PortSharer } from './ports.ts';
import type { WorkersInit } from './protocol.ts';
import { OwnerTransport } from './transport.ts';

/** How long to wait before replacing a worker that failed to start. */
const RESTART_BACKOFF_MS = 1000;

/** What tests can look at (through `server[kInstance]`). */
export interface WorkersInstance extends RuntimeInstance {
  readonly settings: WorkersSettings;
  /** worker_threads.threadId of each ready worker, by index (-1 while one starts). */
  threadIds(): number[];
  /** The shared lock memory, for tests asserting that a dead worker's locks were released. */
  readonly locks: LockMemoryView;
}

export async function startWorkers(core: RuntimeCore, options: RuntimeOptions): Promise<WorkersInstance> {
  const settings = workersSettings(options);
  const plan = core.plan;
  const everyThread = everyThreadSources(plan, core.impl);
  const programLocks = plan.locks.filter((l) => l.scope === 'program').length;
  // One held row per worker, and one for the main thread's flows (the 'once' sources').
  const mainSlot = settings.threads;
  const lockMemory = createLockMemory({ programLocks, sessionLocks: 0, maxSessions: 0, rows: settings.threads + 1 });
  const view = new LockMemoryView(lockMemory);
  const connIds = connIdMemory();
  const ports = new PortSharer(core.addresses, (i) => plan.sources[i]!.name, settings.threads);

  const mainStats = new StatsRecorder(plan, options.stats);
  mainStats.threads = 0; // runs only the 'once' sources' flows; the workers run the requests
  const mainFlows = new LocalFlows(plan, new WorkersLockManager(view, mainSlot, plan.locks), mainStats, core.reportError, settings.queueLimit);
  const workers: (WorkersHost | null)[] = new Array(settings.threads).fill(null);
  let closed = false;
  /** stop has begun: a worker that dies now is not replaced. */
  let stopping = false;
  let deaths = 0;
  let started = 0;
  let readyCount = 0;
  let startMsTotal = 0;
  /** Statistics of workers that are gone, merged. */
  let retired: StatsSnapshot | null = null;

  // io: this thread's connections (a 'once' source's) here; the others' to their worker.
  const forward = (op: IoOp, id: number, data: string | Uint8Array | undefined): void => {
    const owner = ownerOf(id);
    if (owner === mainSlot) applyIo(registry, op, id, data);
    else workers[owner]?.post(IO, op, id, data);
  };
  const windows = new WriteWindows(core.shared.get(WRITE_WINDOWS_BUFFER, WriteWindows.byteLength(DEFAULT_WINDOW_ROWS)));
  const previousTransport = setIoTransport(new OwnerTransport(registry, mainSlot, forward, windows));
  registry.setIdAllocator(connIdAllocator(connIds, mainSlot));
  const restoreIo = (): void => {
    setIoTransport(previousTransport);
    registry.setIdAllocator(null);
  };

  const initBase: Omit<WorkersInit, 'row' | 'threadIndex'> = {
    runtime: core.runtime,
    implementationUrl: core.implementationUrl,
    ir: core.ir,
    options: cloneableOptions(core.options),
    shared: core.shared.toRecord(),
    lockMemory,
    stats: options.stats,
    compileCache: settings.compileCache,
    connIds,
    queueLimit: settings.queueLimit,
  };

  const events: WorkersHostEvents = {
    died(host, detail) {
      deaths++;
      ports.workerGone(host);
      releaseRow(view, host.index);
      if (host.lastSnapshot !== null) retire(host.lastSnapshot);
      const wasReady = host.threadId !== -1;
      core.reportError(
        new FluxError(
          wasReady ? threadCodes.WORKER_DIED : threadCodes.WORKER_START_FAILED,
          `worker thread ${host.index} ${wasReady ? 'died' : 'failed to start'} (${detail}); its connections and the flows running on it are lost${closed || stopping ? '' : '; it is replaced'}`,
        ),
      );
      if (closed || stopping || workers[host.index] !== host) return;
      workers[host.index] = null;
      if (wasReady) spawn(host.index);
      else setTimeout(() => !closed && workers[host.index] === null && spawn(host.index), RESTART_BACKOFF_MS).unref();
    },
    io: forward,
    listen: (host, request, what) => ports.request(host, request, what),
    listening: (host, request, port) => ports.listening(host, request, port),
    listenFailed: (host, request, message) => ports.failed(host, request, message),
    reportError: core.reportError,
  };

  const spawn = (index: number): WorkersHost => {
    const host = new WorkersHost({ ...initBase, row: index, threadIndex: index }, events);
    workers[index] = host;
    started++;
    host.ready.then(
      () => {
        readyCount++;
        startMsTotal += host.startMs;
      },
      () => {},
    );
    return host;
  };

  const retire = (snapshot: StatsSnapshot): void => {
    // Its flows in flight were lost with it: they count as started, never as ended.
    const adjusted: StatsSnapshot = { ...snapshot, flows: { ...snapshot.flows, inFlight: 0 }, figures: {} };
    retired = retired === null ? adjusted : mergeSnapshots([retired, adjusted], core.runtime);
  };

  for (let i = 0; i < settings.threads; i++) spawn(i);
  const ready = await Promise.allSettled(workers.map((w) => w!.ready));
  const failed = ready.find((r) => r.status === 'rejected');
  if (failed !== undefined) {
    closed = true;
    await Promise.all(workers.map((w) => w?.terminate()));
    restoreIo();
    throw (failed as PromiseRejectedResult).reason as FluxError;
  }

  const live = (): WorkersHost[] => workers.filter((w): w is WorkersHost => w !== null);
  const stats = async (): Promise<StatsSnapshot> => {
    const snapshots = await Promise.all(live().map(async (w) => (await w.requestStats(settings.statsTimeoutMs)) ?? w.lastSnapshot));
    const parts: StatsSnapshot[] = [mainStats.snapshot(core.runtime, { inFlight: mainFlows.inFlight, connections: registry.size, sessionsWithLocks: mainFlows.locks.sessionCount })];
    if (retired !== null) parts.push(retired);
    for (const s of snapshots) if (s !== null) parts.push(s);
    const merged = mergeSnapshots(parts, core.runtime);
    merged.profile.threads = settings.threads;
    merged.figures = {
      ...merged.figures,
      threads: settings.threads,
      workersStarted: started,
      workerDeaths: deaths,
      workerStartMsMean: readyCount > 0 ? startMsTotal / readyCount : 0,
    };
    return merged;
  };

  let finalStats: StatsSnapshot | null = null;
  let drained: Promise<void> | null = null;
  return {
    settings,
    locks: view,
    ownSources: everyThread,
    threadIds: () => workers.map((w) => (w !== null && w.state === 'ready' ? w.threadId : -1)),
    dispatch: (source, outputs, session) => mainFlows.dispatch(source, outputs, session),
    endSession: (key) => mainFlows.endSession(key),
    stats: () => (finalStats !== null ? Promise.resolve(finalStats) : stats()),
    drain(deadlineMs) {
      stopping = true;
      drained ??= Promise.all(live().map((w) => w.stop(deadlineMs))).then(() => {});
      return drained;
    },
    async close() {
      if (closed) return;
      finalStats = await stats();
      closed = true;
      await Promise.all(live().map((w) => w.terminate()));
      workers.fill(null);
      // A held row of a terminated worker is not a leak: the memory goes with the server.
      if (getIoTransport() instanceof OwnerTransport) restoreIo();
    },
  };
}
