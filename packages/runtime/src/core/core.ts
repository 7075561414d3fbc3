/**
 * The seam between `start` (common to every runtime: implementation loading, setup, sources, stop) and the
 * runtimes themselves. `start` builds a RuntimeCore and hands it to one RuntimeStarter:
 *   event      -> startEvent      (src/event/runtime.ts)
 *   threadpool -> startThreadpool (src/threads/index.ts)
 *   thread     -> startThread     (src/threads/index.ts)
 *   workers    -> startWorkers    (src/workers/index.ts)
 * The starter returns a RuntimeInstance; `start` routes every `emit` of every source it runs to `dispatch`.
 */

import type { ProgramIR } from '@flux/compiler/ir.ts';
import type { FlowOutcome, Implementation, RuntimeKind, SessionKey } from '../api.ts';
import type { FluxError } from '../errors.ts';
import type { Plan } from '../plan/plan.ts';
import type { StatsSnapshot } from '../stats/snapshot.ts';
import type { StatsOptions } from '../stats/recorder.ts';
import type { AddressBook } from './listen.ts';
import type { SharedBuffers } from './shared-buffers.ts';

export interface RuntimeOptions {
  /** Worker threads (threadpool: pool size; workers: how many; thread: initial workers). */
  readonly threads?: number;
  /** Admission control: flows waiting or running beyond this are refused with an overload outcome. */
  readonly queueLimit?: number;
  /** thread runtime: upper bound on workers. */
  readonly maxThreads?: number;
  readonly stats?: StatsOptions;
  // The rest only the threaded runtimes read (src/threads/options.ts has their defaults); `event` ignores them.
  /** threadpool: flows one worker runs at once, interleaved at their awaits (1 = a classic pool). */
  readonly flowsPerWorker?: number;
  /** Sessions with session-scope locks open at once (slots in the shared session table). */
  readonly maxSessions?: number;
  /** How long `stats()` and `close()` wait for a worker's snapshot, in ms. */
  readonly statsTimeoutMs?: number;
  /** Use Node's on-disk compile cache in workers (default true): workers start about twice as fast. */
  readonly compileCache?: boolean;
  /** thread: how long a session (or a flow without one) may wait for a thread before it is refused, in ms. */
  readonly threadWaitMs?: number;
  /** thread: how long a worker may go without running a flow before it is ended, in ms. */
  readonly threadIdleMs?: number;
  /**
   * thread: how long the oldest waiting session waits for a running worker to come free before a new worker is
   * started for the waiting sessions, in ms (0: at once, up to `maxThreads`).
   */
  readonly threadStartAfterMs?: number;
}

export interface RuntimeCore {
  readonly runtime: RuntimeKind;
  readonly ir: ProgramIR;
  /**
   * The plan built on the main thread (locks elided only for `event`). Threaded runtimes build their own per
   * worker with `buildPlan(ir, impl, { elideSyncLocks: false })`; this one is there for main-thread needs.
   */
  readonly plan: Plan;
  /** Absolute URL (href) of the implementation module: workers `import()` it themselves. */
  readonly implementationUrl: string;
  /** The implementation as loaded on the main thread; `setup` has already run here. */
  readonly impl: Implementation;
  /** Server options given to `start` (structured-cloneable). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Buffers created by setup on the main thread; send `shared.toRecord()` to workers. */
  readonly shared: SharedBuffers;
  /** Where runtime errors go (unhandled flow errors, failing handlers, worker trouble). Never throws. */
  readonly reportError: (error: FluxError) => void;
  /** Where sources' listening addresses are recorded (`FluxServer.listening`); optional for tests' cores. */
  readonly addresses?: AddressBook;
}

export interface RuntimeInstance {
  /**
   * Runs one flow of source `source` (index into `ir.sources`) with the source's outputs and the session key
   * computed on the main thread (undefined when the source has no session function). Returns the outcome or a
   * promise of it; never rejects.
   */
  dispatch(source: number, outputs: readonly unknown[], session: SessionKey | undefined): FlowOutcome | Promise<FlowOutcome>;
  /** Session ended (from SourceContext.endSession): drop its lock state once its running flows end. */
  endSession(key: SessionKey): void;
  stats(): Promise<StatsSnapshot>;
  /** Called once by `stop`, after in-flight flows ended or the deadline passed: free workers and timers. */
  close(): Promise<void>;
  /** Sources (indices) the runtime runs itself, on its own threads: `start` does not run them (`workers`). */
  readonly ownSources?: ReadonlySet<number>;
  /** Called by `stop` beside its own wait: stop the sources the runtime runs and let their flows end. */
  drain?(deadlineMs: number): Promise<void>;
}

export type RuntimeStarter = (core: RuntimeCore, options: RuntimeOptions) => Promise<RuntimeInstance>;

/** What src/threads/index.ts exports. */
export interface ThreadsModule {
  readonly startThreadpool: RuntimeStarter;
  readonly startThread: RuntimeStarter;
}

/** What src/workers/index.ts exports. */
export interface WorkersModule {
  readonly startWorkers: RuntimeStarter;
}
