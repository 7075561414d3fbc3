/**
 * What crosses between the main thread and a worker under `workers`: nothing per request. Only a worker's
 * start and stop, statistics, error reports, the coordination of a shared listening port, and `io` on a
 * connection another thread owns. Same wire as the threaded runtimes (threads/protocol.ts): flat records of
 * RECORD_WIDTH entries, batched per event-loop turn by an Outbox; kinds shared with them keep their numbers.
 */

import type { ListenOptions } from '../api.ts';
import type { WorkerInit } from '../threads/protocol.ts';

export { decode, IO, Outbox, READY, REPORT, SNAPSHOT, START_FAILED, STATS, type RecordHandler, type Report } from '../threads/protocol.ts';

/** A worker's workerData. `row` and `threadIndex` are both the worker's index, which is also its id slot. */
export interface WorkersInit extends WorkerInit {
  /** The per-slot connection id counters (conn-ids.ts). */
  readonly connIds: SharedArrayBuffer;
  /** In-flight flows per thread beyond which new ones are refused (Infinity: no limit). */
  readonly queueLimit: number;
}

// Main thread -> worker. (STATS: request id. IO: op, connection id, data, for a connection this worker owns.)
/** Abort the sources, let the flows in flight end within `deadlineMs`, then answer STOPPED: deadlineMs. */
export const STOP = 40;
/** Answer to LISTEN: request id, the port to bind with reusePort (-1 with an error), an error message or undefined. */
export const LISTEN_REPLY = 41;

// Worker -> main thread. (READY: threadId, once setup ran and the sources started. START_FAILED, SNAPSHOT,
// REPORT as in threads/protocol.ts. IO: op, connection id, data, for a connection another thread owns.)
/** A source asks to listen: request id, source index, ListenOptions. */
export const LISTEN = 42;
/** The source's server listens: request id, port. */
export const LISTENING = 43;
/** The source's server could not bind: request id, message. */
export const LISTEN_FAILED = 44;
/** Sources returned and flows ended (or the deadline passed): flows still running. */
export const STOPPED = 45;

export interface ListenRequest {
  readonly source: number;
  readonly options: ListenOptions;
}
