/**
 * The worker thread's entry. On start: import the implementation module (by URL) and build the plan from the
 * ProgramIR (no lock elision: flows on other threads interleave), install the io transport that forwards to the
 * main thread, run `setup` with the shared buffers the main thread created, and say `ready`. Then run flows on
 * request with the core interpreter over the shared lock table, and answer stats requests with a snapshot of
 * this worker's own recorder (the main thread merges them).
 */

import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { FlowOutcome, SetupContext } from '../api.ts';
import { loadImplementation } from '../core/implementation.ts';
import { SharedBuffers } from '../core/shared-buffers.ts';
import type { FluxFlowError } from '../errors.ts';
import { Interpreter } from '../flow/interpreter.ts';
import { setIoTransport, WRITE_WINDOWS_BUFFER, WriteWindows } from '../io/index.ts';
import { buildPlan } from '../plan/build.ts';
import { LockMemoryView } from '../shared/lock-memory.ts';
import { epochNow, systemClock } from '../stats/clock.ts';
import { StatsRecorder } from '../stats/recorder.ts';
import { threadCodes } from './errors.ts';
import { ForwardingTransport } from './io-forward.ts';
import { mapLocks, SharedLockManager } from './lock-manager.ts';
import { decode, DONE, DONE_OK, Outbox, READY, REPORT, RUN, SNAPSHOT, STAMP, START_FAILED, STATS, type RecordHandler, type Report, type WorkerInit } from './protocol.ts';

const port = parentPort!;
const init = workerData as WorkerInit;
const outbox = new Outbox(port, (record, error) => {
  // An outcome whose outputs cannot cross threads still ends the flow, as an error the source can see.
  if (record[0] !== DONE_OK) return null;
  const text = error instanceof Error ? error.message : String(error);
  // node '' : the main thread fills in the flow's target node, which it knows.
  const outcome: FlowOutcome = { status: 'error', node: '', code: threadCodes.UNCLONEABLE, message: `the flow's outputs cannot be sent to the main thread: ${text}` };
  return [DONE, record[1], outcome, undefined, undefined];
});

/** Sends a flow's outcome: an ok outcome as its outputs alone (DONE_OK), any other whole (DONE). */
function sendOutcome(id: number, outcome: FlowOutcome): void {
  if (outcome.status === 'ok') outbox.post(DONE_OK, id, outcome.outputs);
  else outbox.post(DONE, id, outcome);
}

async function boot(): Promise<void> {
  const windowsBuffer = init.shared[WRITE_WINDOWS_BUFFER];
  setIoTransport(new ForwardingTransport(outbox, windowsBuffer === undefined ? null : new WriteWindows(windowsBuffer)));
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
    const report: Report = {
      code: error.code,
      message: error.message,
      node: error.node,
      source: error.source,
      cause: cause instanceof Error ? { message: cause.message, stack: cause.stack } : cause === undefined ? null : { message: String(cause), stack: undefined },
    };
    outbox.post(REPORT, report);
  };
  const interpreter = new Interpreter(plan, { locks, stats, clock: systemClock, reportError });

  /** The RUN after a STAMP is timed: from when its flow was queued (or posted) to starting it. */
  let stampedAt = -1;
  const onRecord: RecordHandler = (kind, a, b, c, d) => {
    switch (kind) {
      case STAMP: {
        const now = epochNow();
        stats.crossed((now - (a as number)) * 1000);
        stampedAt = (b as number) >= 0 ? (b as number) : (a as number);
        return;
      }
      case RUN: {
        if (stampedAt >= 0) {
          stats.queueWaited((epochNow() - stampedAt) * 1000);
          stampedAt = -1;
        }
        const id = a as number;
        const session = c as number;
        const result = interpreter.run(b as number, d as unknown[], session < 0 ? undefined : session);
        if (result instanceof Promise) result.then((outcome) => sendOutcome(id, outcome));
        else sendOutcome(id, result);
        return;
      }
      case STATS:
        outbox.post(SNAPSHOT, a, stats.snapshot(init.runtime));
        return;
    }
  };
  port.on('message', (batch: unknown[]) => decode(batch, onRecord));

  outbox.post(READY, threadId);
}

boot().catch((error: unknown) => {
  outbox.post(START_FAILED, error instanceof Error ? error.message : String(error), error instanceof Error ? error.stack : undefined);
  outbox.flush();
  // Nothing else will run here: let the main thread see the exit.
  port.close();
});
