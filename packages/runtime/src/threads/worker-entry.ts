/**
 * The worker thread's entry. On start: import the implementation module (by URL) and build the plan from the
 * ProgramIR (no lock elision: flows on other threads interleave), install the io transport that forwards to the
 * main thread, run `setup` with the shared buffers the main thread created, and say `ready`. Then run flows on
 * request with the core interpreter over the shared lock table, and answer stats requests with a snapshot of
 * this worker's own recorder (the main thread merges them).
 */

import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { SetupContext } from '../api.ts';
import { loadImplementation } from '../core/implementation.ts';
import { SharedBuffers } from '../core/shared-buffers.ts';
import type { FluxFlowError } from '../errors.ts';
import { Interpreter } from '../flow/interpreter.ts';
import { setIoTransport } from '../io/index.ts';
import { buildPlan } from '../plan/build.ts';
import { LockMemoryView } from '../shared/lock-memory.ts';
import { systemClock } from '../stats/clock.ts';
import { StatsRecorder } from '../stats/recorder.ts';
import { threadCodes } from './errors.ts';
import { ForwardingTransport } from './io-forward.ts';
import { mapLocks, SharedLockManager } from './lock-manager.ts';
import { Outbox, unbatch, type FromWorker, type ToWorker, type WorkerInit } from './protocol.ts';

const port = parentPort!;
const init = workerData as WorkerInit;
const outbox = new Outbox<FromWorker>(port, (message, error) => {
  // An outcome whose outputs cannot cross threads still ends the flow, as an error the source can see.
  if (message.t !== 'done' || message.outcome.status !== 'ok') return null;
  const text = error instanceof Error ? error.message : String(error);
  // node '' : the main thread fills in the flow's target node, which it knows.
  return { t: 'done', id: message.id, outcome: { status: 'error', node: '', code: threadCodes.UNCLONEABLE, message: `the flow's outputs cannot be sent to the main thread: ${text}` } };
});

async function boot(): Promise<void> {
  setIoTransport(new ForwardingTransport(outbox));
  const impl = await loadImplementation(init.implementationUrl);
  const plan = buildPlan(init.ir, impl, { elideSyncLocks: false });
  const shared = new SharedBuffers(false, init.shared);
  if (impl.setup !== undefined) {
    const ctx: SetupContext = {
      runtime: init.runtime,
      options: init.options,
      thread: init.threadIndex,
      shared: (name, byteLength) => shared.get(name, byteLength),
    };
    await impl.setup(ctx);
  }
  const locks = new SharedLockManager(new LockMemoryView(init.lockMemory), init.row, mapLocks(plan.locks));
  const stats = new StatsRecorder(plan, init.stats);
  const reportError = (error: FluxFlowError): void => {
    const cause = (error as { cause?: unknown }).cause;
    outbox.post({
      t: 'report',
      code: error.code,
      message: error.message,
      node: error.node,
      source: error.source,
      cause: cause instanceof Error ? { message: cause.message, stack: cause.stack } : cause === undefined ? null : { message: String(cause), stack: undefined },
    });
  };
  const interpreter = new Interpreter(plan, { locks, stats, clock: systemClock, reportError });

  port.on('message', (data: ToWorker | ToWorker[]) => unbatch(data, handle));

  function handle(message: ToWorker): void {
    switch (message.t) {
      case 'run': {
        const { id } = message;
        const result = interpreter.run(message.source, message.outputs, message.session < 0 ? undefined : message.session);
        if (result instanceof Promise) result.then((outcome) => outbox.post({ t: 'done', id, outcome }));
        else outbox.post({ t: 'done', id, outcome: result });
        return;
      }
      case 'stats':
        outbox.post({ t: 'stats', id: message.id, snapshot: stats.snapshot(init.runtime) });
        return;
    }
  }

  outbox.post({ t: 'ready', threadId });
}

boot().catch((error: unknown) => {
  outbox.post({ t: 'startFailed', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined });
  outbox.flush();
  // Nothing else will run here: let the main thread see the exit.
  port.close();
});
