/**
 * How sharp is set up in this server, and what it reports about its threads. sharp runs every pipeline on
 * libuv's thread pool: one pool per process (UV_THREADPOOL_SIZE, default 4, read once at start), shared by the
 * main thread and every worker thread. So under `threadpool` and `thread` more JavaScript threads do not mean
 * more image threads: they all queue their sharp work on the same libuv pool. Within one pipeline libvips may
 * use `sharp.concurrency()` threads of its own (1 by default on glibc Linux without jemalloc).
 */

import sharp from 'sharp';

/** Called in `setup` on every thread (harmless to repeat: the settings are process-wide). */
export function configureSharp(): void {
  // This server's cache keeps results; libvips' operation cache would only hold decoded sources in memory.
  sharp.cache(false);
}

export interface SharpThreads {
  readonly uvThreadpoolSize: number;
  readonly libvipsThreadsPerImage: number;
  /** Pipelines queued or running on the libuv pool right now (process-wide). */
  readonly queued: number;
  readonly processing: number;
}

export function sharpThreads(): SharpThreads {
  const counters = sharp.counters();
  return {
    uvThreadpoolSize: Number(process.env['UV_THREADPOOL_SIZE'] ?? 4) || 4,
    libvipsThreadsPerImage: sharp.concurrency(),
    queued: counters.queue,
    processing: counters.process,
  };
}
