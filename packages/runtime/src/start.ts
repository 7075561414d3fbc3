/**
 * `start`: loads the implementation, runs `setup` on the main thread, starts the chosen runtime, then every
 * source on the main thread (but those a runtime runs on its own threads), and returns a handle to read
 * statistics and stop.
 */

import type { ProgramIR } from '@flux/compiler/ir.ts';
import type { FlowOutcome, ListenAddress, RuntimeKind, SetupContext, SourceContext } from './api.ts';
import type { RuntimeCore, RuntimeInstance, RuntimeOptions, ThreadsModule, WorkersModule } from './core/core.ts';
import { implementationHref, loadImplementation } from './core/implementation.ts';
import { AddressBook, bind } from './core/listen.ts';
import { SharedBuffers } from './core/shared-buffers.ts';
import { emitters, submitter, type SubmitContext } from './core/submit.ts';
import { registry, WRITE_WINDOWS_BUFFER } from './io/index.ts';
import { DEFAULT_WINDOW_ROWS, WriteWindows } from './io/write-windows.ts';
import { codes, FluxError, FluxFlowError, messageOf } from './errors.ts';
import { startEvent } from './event/runtime.ts';
import { buildPlan } from './plan/build.ts';
import type { StatsOptions } from './stats/recorder.ts';
import type { StatsSnapshot } from './stats/snapshot.ts';
import { kCore, kInstance } from './symbols.ts';

export const RUNTIME_KINDS: readonly RuntimeKind[] = ['event', 'threadpool', 'thread', 'workers'];

export interface StartOptions {
  readonly ir: ProgramIR;
  /** Module whose default export is the Implementation (a path or a URL). Workers import it themselves. */
  readonly implementation: string | URL;
  readonly runtime: RuntimeKind;
  /** Server options (port, root, ...): structured-cloneable; visible to setup and sources. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** threadpool: pool size; workers: worker threads (default os.availableParallelism() for both). */
  readonly threads?: number;
  /** Admission control: flows waiting beyond this are refused with an overload outcome. */
  readonly queueLimit?: number;
  /** thread: most workers alive at once (default 64). */
  readonly maxThreads?: number;
  /** threadpool: flows one worker runs at once, interleaved at their awaits (default 64; 1 = a classic pool). */
  readonly flowsPerWorker?: number;
  /** threadpool, thread: sessions with session-scope locks open at once (default 4096). */
  readonly maxSessions?: number;
  /** threadpool, thread: how long `stats()` waits for a worker's snapshot, in ms (default 2000). */
  readonly statsTimeoutMs?: number;
  /** threadpool, thread: workers boot with Node's on-disk compile cache (default true). */
  readonly compileCache?: boolean;
  /** thread: the longest a session waits for a thread before its flow is refused, in ms (default 10000). */
  readonly threadWaitMs?: number;
  /** thread: a worker that runs no flow this long is ended, in ms (default 1000). */
  readonly threadIdleMs?: number;
  /** thread: how long the oldest waiting session waits before a worker past `threads` may start, in ms (default 100). */
  readonly threadStartAfterMs?: number;
  readonly stats?: StatsOptions;
  /** Runtime errors: unhandled flow errors, failing handlers and sources. Default: printed to stderr. */
  readonly onError?: (error: FluxError) => void;
}

export interface StopOptions {
  /** How long to wait for in-flight flows and sources to finish, in ms. Default 5000. */
  readonly deadlineMs?: number;
}

export interface FluxServer {
  readonly runtime: RuntimeKind;
  stats(): Promise<StatsSnapshot>;
  /** Aborts the sources, waits for in-flight flows (up to the deadline), closes the runtime. Idempotent. */
  stop(options?: StopOptions): Promise<void>;
  /** Where source `source` listens (its `SourceContext.listen`), once it does; rejects if it cannot or stopped. */
  listening(source: string): Promise<ListenAddress>;
  readonly [kCore]: RuntimeCore;
  readonly [kInstance]: RuntimeInstance;
}

export function defaultReportError(error: FluxError): void {
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error && cause.stack !== undefined ? `\n${cause.stack}` : '';
  process.stderr.write(`[flux] ${error.code}: ${error.message}${detail}\n`);
}

export async function start(opts: StartOptions): Promise<FluxServer> {
  if (!RUNTIME_KINDS.includes(opts.runtime)) {
    throw new FluxError(codes.BAD_OPTION, `unknown runtime "${String(opts.runtime)}" (expected one of ${RUNTIME_KINDS.join(', ')})`);
  }
  const userReport = opts.onError ?? defaultReportError;
  const reportError = (error: FluxError): void => {
    try {
      userReport(error);
    } catch {
      // An error reporter that throws must not take the server down.
    }
  };
  const implementationUrl = implementationHref(opts.implementation);
  const impl = await loadImplementation(implementationUrl);
  // Under `workers` a session's flows share one thread, but program locks are taken by every worker at once.
  const plan = buildPlan(opts.ir, impl, { elideSyncLocks: opts.runtime === 'event' ? true : opts.runtime === 'workers' ? 'session' : false });
  const options = opts.options ?? {};
  const shared = new SharedBuffers(true);
  // Every thread's io counts cross-thread writes here (io/write-windows.ts); workers find it among the buffers.
  const windows = new WriteWindows(shared.get(WRITE_WINDOWS_BUFFER, WriteWindows.byteLength(DEFAULT_WINDOW_ROWS)));
  registry.setWriteWindows(windows);
  if (impl.setup !== undefined) {
    const ctx: SetupContext = {
      runtime: opts.runtime,
      options,
      thread: 'main',
      shared: (name, byteLength) => shared.get(name, byteLength),
    };
    await impl.setup(ctx);
  }
  const addresses = new AddressBook();
  const core: RuntimeCore = { runtime: opts.runtime, ir: opts.ir, plan, implementationUrl, impl, options, shared, reportError, addresses };
  const runtimeOptions: RuntimeOptions = {
    threads: opts.threads,
    queueLimit: opts.queueLimit,
    maxThreads: opts.maxThreads,
    flowsPerWorker: opts.flowsPerWorker,
    maxSessions: opts.maxSessions,
    statsTimeoutMs: opts.statsTimeoutMs,
    compileCache: opts.compileCache,
    threadWaitMs: opts.threadWaitMs,
    threadIdleMs: opts.threadIdleMs,
    threadStartAfterMs: opts.threadStartAfterMs,
    stats: opts.stats,
  };
  const instance = await startRuntime(core, runtimeOptions);

  const abort = new AbortController();
  let stopping = false;
  let inFlight = 0;
  let onIdle: (() => void) | null = null;
  const flowEnded = (outcome: FlowOutcome): FlowOutcome => {
    if (--inFlight === 0 && onIdle !== null) onIdle();
    return outcome;
  };

  const submitContext: SubmitContext = {
    refusing: () => stopping,
    dispatch: (source, outputs, session) => instance.dispatch(source, outputs, session),
    reportError,
    pending: (outcome) => {
      inFlight++;
      return outcome.then(flowEnded);
    },
  };

  const sourceRuns: Promise<void>[] = [];
  for (const source of plan.sources) {
    if (instance.ownSources?.has(source.index) === true) continue;
    const ctx: SourceContext = {
      runtime: opts.runtime,
      options,
      signal: abort.signal,
      ...emitters(submitter(source, submitContext)),
      endSession: (key) => instance.endSession(key),
      thread: 'main',
      listen: (server, listenOptions) =>
        bind(server, listenOptions, abort.signal).then(
          (address) => {
            addresses.listening(source.name, address);
            return address;
          },
          (error: unknown) => {
            addresses.failed(source.name, error);
            throw error;
          },
        ),
    };
    sourceRuns.push(
      Promise.resolve()
        .then(() => source.fn(ctx))
        .then(
          () => {},
          (error: unknown) => {
            addresses.failed(source.name, error);
            reportError(new FluxFlowError(codes.SOURCE_FAILED, `source ${source.name} failed: ${messageOf(error)}`, source.name, source.name, error));
          },
        ),
    );
  }

  let stopped: Promise<void> | null = null;
  const stop = (stopOptions: StopOptions = {}): Promise<void> => {
    stopped ??= (async () => {
      abort.abort();
      const deadlineMs = stopOptions.deadlineMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      });
      const until = Date.now() + deadlineMs;
      // Sources stop taking new work (no new connections) and return; what they had already taken (a request
      // already in a socket) still starts its flow. Only then are new flows refused, and the running ones awaited.
      await Promise.race([Promise.all([...sourceRuns, instance.drain?.(deadlineMs)]), deadline]);
      stopping = true;
      const flowsDone = new Promise<void>((resolve) => {
        if (inFlight === 0) resolve();
        else onIdle = resolve;
      });
      await Promise.race([flowsDone, deadline]);
      clearTimeout(timer);
      // What flows wrote is still on its way to slow readers: let it reach the kernel, up to the deadline.
      await registry.flushed(until);
      const cut = registry.unflushed();
      if (cut > 0) {
        reportError(new FluxError(codes.STOPPED, `stopped at the deadline (${deadlineMs} ms) with ${cut} connection(s) still sending: those responses were cut`));
      }
      await instance.close();
      addresses.close(new FluxError(codes.STOPPED, 'the server stopped'));
    })();
    return stopped;
  };

  return {
    runtime: opts.runtime,
    stats: () => instance.stats(),
    stop,
    listening: (source) => addresses.get(source),
    [kCore]: core,
    [kInstance]: instance,
  };
}

async function startRuntime(core: RuntimeCore, options: RuntimeOptions): Promise<RuntimeInstance> {
  switch (core.runtime) {
    case 'event':
      return startEvent(core, options);
    case 'threadpool':
      return (await loadThreads()).startThreadpool(core, options);
    case 'thread':
      return (await loadThreads()).startThread(core, options);
    case 'workers':
      return ((await import(new URL('./workers/index.ts', import.meta.url).href)) as WorkersModule).startWorkers(core, options);
  }
}

/** The threaded runtimes live in src/threads/ and load only when asked for. */
async function loadThreads(): Promise<ThreadsModule> {
  const url = new URL('./threads/index.ts', import.meta.url);
  try {
    return (await import(url.href)) as ThreadsModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && messageOf(error).includes(url.pathname)) {
      throw new FluxError(codes.RUNTIME_UNAVAILABLE, 'the threadpool and thread runtimes are not built into this package yet', { cause: error });
    }
    throw error;
  }
}
