/**
 * Errors of the threaded runtimes, made by factories so that every site uses the same code and wording.
 * Codes are stable (FLUX_ERR_*); the ones shared with the rest of the runtime come from ../errors.ts.
 */

import { codes, FluxError } from '../errors.ts';

export const threadCodes = {
  /** The worker running a flow died (process.exit, an uncaught error, a crash); the flow took its error path. */
  WORKER_DIED: 'FLUX_ERR_WORKER_DIED',
  /** A worker could not start: importing the implementation or its `setup` failed there. */
  WORKER_START_FAILED: 'FLUX_ERR_WORKER_START_FAILED',
  /** A flow ended well but its outputs cannot be structured-cloned back to the main thread. */
  UNCLONEABLE: 'FLUX_ERR_UNCLONEABLE',
  /** A flow reached a worker with a session slot that was already freed (a runtime bug if it ever happens). */
  SESSION_GONE: 'FLUX_ERR_SESSION_GONE',
} as const;

export const Errors = {
  workerDied(thread: number | string, detail: string): FluxError {
    return new FluxError(threadCodes.WORKER_DIED, `worker thread ${thread} died (${detail}); its flows took their error path`);
  },
  workerStartFailed(thread: number | string, detail: string, cause?: unknown): FluxError {
    return new FluxError(threadCodes.WORKER_START_FAILED, `worker thread ${thread} failed to start: ${detail}`, { cause });
  },
  sessionGone(slot: number): FluxError {
    return new FluxError(threadCodes.SESSION_GONE, `session slot ${slot} was freed while a flow of it still ran`);
  },
  stopped(): FluxError {
    return new FluxError(codes.STOPPED, 'the server stopped before this flow could finish');
  },
  badOption(message: string): FluxError {
    return new FluxError(codes.BAD_OPTION, message);
  },
};
