/**
 * A worker thread of the `workers` runtime: the `event` runtime's job over this thread's own connections. On
 * start: import the implementation, build the plan (session locks may be elided, program locks never), make
 * `io` this thread's registry (ids from this worker's slot), run `setup`, start this thread's copy of every
 * 'every-thread' source, say READY. From then on a flow goes from the source to its end on this thread; the
 * main thread hears only of listening ports, statistics, reports, io for other threads' connections, and stop.
 */

import type { Server } from 'node:net';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { ListenAddress, ListenOptions, SetupContext, SourceContext } from '../api.ts';
import { loadImplementation } from '../core/implementation.ts';
import { bind } from '../core/listen.ts';
import { SharedBuffers } from '../core/shared-buffers.ts';
import { codes, FluxError, FluxFlowError, messageOf } from '../errors.ts';
import { registry, setIoTransport, WRITE_WINDOWS_BUFFER, WriteWindows } from '../io/index.ts';
import { buildPlan } from '../plan/build.ts';
import { LockMemoryView } from '../shared/lock-memory.ts';
import { StatsRecorder } from '../stats/recorder.ts';
import { applyIo } from '../threads/io-forward.ts';
import { emitters, submitter, type SubmitContext } from '../core/submit.ts';
import type { IoOp } from '../threads/protocol.ts';
import { connIdAllocator } from './conn-ids.ts';
import { LocalFlows } from './flows.ts';
import { WorkersLockManager } from './lock-manager.ts';
import { everyThreadSources } from './options.ts';
import {
  decode,
  IO,
  LISTEN,
  LISTEN_FAILED,
  LISTEN_REPLY,
  LISTENING,
  Outbox,
  READY,
  REPORT,
  SNAPSHOT,
  START_FAILED,
  STATS,
  STOP,
  STOPPED,
  type RecordHandler,
  type Report,
  type WorkersInit,
} from './protocol.ts';
import { OwnerTransport } from './transport.ts';

const port = parentPort!;
const init = workerData as WorkersInit;
const outbox = new Outbox(port);

interface ListenReply {
  readonly port: number;
  readonly error: string | undefined;
}

/** Listen requests waiting for the main thread's answer, by request id. */
const pendingListens = new Map<number, (reply: ListenReply) => void>();
let nextListen = 1;

function reportError(error: FluxError): void {
  const cause = (error as { cause?: unknown }).cause;
  const flow = error instanceof FluxFlowError ? error : null;
  const report: Report = {
    code: error.code,
    message: error.message,
    node: flow?.node ?? '',
    source: flow?.source ?? '',
    cause: cause instanceof Error ? { message: cause.message, stack: cause.stack } : cause === undefined ? null : { message: String(cause), stack: undefined },
  };
  outbox.post(REPORT, report);
}

async function boot(): Promise<void> {
  const impl = await loadImplementation(init.implementationUrl);
  const plan = buildPlan(init.ir, impl, { elideSyncLocks: 'session' });
  const shared = new SharedBuffers(false, init.shared);
  registry.setIdAllocator(connIdAllocator(init.connIds, init.threadIndex));
  const windowsBuffer = init.shared[WRITE_WINDOWS_BUFFER];
  const windows = windowsBuffer === undefined ? null : new WriteWindows(windowsBuffer, init.threadIndex * 4096);
  registry.setWriteWindows(windows);
  setIoTransport(new OwnerTransport(registry, init.threadIndex, (op, id, data) => outbox.post(IO, op, id, data), windows));
  if (impl.setup !== undefined) {
    const ctx: SetupContext = {
      runtime: init.runtime,
      options: init.options,
      thread: init.threadIndex,
      shared: (name, byteLength) => shared.get(name, byteLength),
    };
    await impl.setup(ctx);
  }
  const locks = new WorkersLockManager(new LockMemoryView(init.lockMemory), init.row, plan.locks);
  const stats = new StatsRecorder(plan, init.stats);
  const flows = new LocalFlows(plan, locks, stats, reportError, init.queueLimit);
  const abort = new AbortController();
  let stopping = false;

  const listen = async (source: number, server: Server, options: ListenOptions): Promise<ListenAddress> => {
    if (abort.signal.aborted) throw new Error('the server stopped before the source could listen');
    const id = nextListen++;
    const reply = await new Promise<ListenReply>((resolve, reject) => {
      pendingListens.set(id, resolve);
      // The port may wait for another worker's bind: stopping meanwhile must not leave the source hanging.
      abort.signal.addEventListener('abort', () => reject(new Error('the server stopped before the source could listen')), { once: true });
      outbox.post(LISTEN, id, { source, options: { host: options.host, port: options.port, backlog: options.backlog } });
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    // Every worker binds the same port; the kernel spreads connections over their sockets.
    let address: ListenAddress;
    try {
      address = await bind(server, { ...options, port: reply.port }, abort.signal, true);
    } catch (error) {
      outbox.post(LISTEN_FAILED, id, messageOf(error));
      throw error;
    }
    outbox.post(LISTENING, id, address.port);
    return address;
  };

  const submitContext: SubmitContext = {
    refusing: () => stopping,
    dispatch: (source, outputs, session) => flows.dispatch(source, outputs, session),
    reportError,
  };

  const sourceRuns: Promise<void>[] = [];
  const everyThread = everyThreadSources(plan, impl);
  for (const source of plan.sources) {
    if (!everyThread.has(source.index)) continue;
    const ctx: SourceContext = {
      runtime: init.runtime,
      options: init.options,
      signal: abort.signal,
      ...emitters(submitter(source, submitContext)),
      endSession: (key) => flows.endSession(key),
      thread: init.threadIndex,
      listen: (server, options) => listen(source.index, server, options),
    };
    sourceRuns.push(
      Promise.resolve()
        .then(() => source.fn(ctx))
        .then(
          () => {},
          (error: unknown) => {
            reportError(new FluxFlowError(codes.SOURCE_FAILED, `source ${source.name} failed: ${messageOf(error)}`, source.name, source.name, error));
          },
        ),
    );
  }

  const stop = async (deadlineMs: number): Promise<void> => {
    if (abort.signal.aborted) return;
    abort.abort();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    });
    const until = Date.now() + deadlineMs;
    // As in start.ts: sources return first (what they had taken still starts flows), then new flows are refused.
    await Promise.race([Promise.all(sourceRuns), deadline]);
    stopping = true;
    await Promise.race([flows.whenIdle(), deadline]);
    clearTimeout(timer);
    // What flows wrote is still on its way to slow readers: let it reach the kernel, up to the deadline.
    await registry.flushed(until);
    const cut = registry.unflushed();
    if (cut > 0) {
      reportError(new FluxError(codes.STOPPED, `worker ${init.threadIndex} stopped at the deadline with ${cut} connection(s) still sending: those responses were cut`));
    }
    outbox.post(STOPPED, flows.inFlight);
  };

  const figures = (): Record<string, number> => ({ inFlight: flows.inFlight, connections: registry.size, sessionsWithLocks: locks.sessionCount });
  const onRecord: RecordHandler = (kind, a, b, c) => {
    switch (kind) {
      case STATS:
        outbox.post(SNAPSHOT, a, stats.snapshot(init.runtime, figures()));
        return;
      case IO:
        applyIo(registry, a as IoOp, b as number, c as string | Uint8Array | undefined);
        return;
      case LISTEN_REPLY: {
        const resolve = pendingListens.get(a as number);
        pendingListens.delete(a as number);
        resolve?.({ port: b as number, error: c as string | undefined });
        return;
      }
      case STOP:
        void stop(a as number);
        return;
    }
  };
  port.on('message', (batch: unknown[]) => decode(batch, onRecord));
  outbox.post(READY, threadId);
}

boot().catch((error: unknown) => {
  outbox.post(START_FAILED, error instanceof Error ? error.message : String(error), error instanceof Error ? error.stack : undefined);
  outbox.flush();
  port.close();
});
