/**
 * The ceiling for misses: sharp alone, no server, scaling the workload's miss keys from memory in a loop.
 * Whatever a server adds on a miss (reading the file, HTTP, the cache, the runtime) comes on top of this.
 * `runSharpLoop` is one measured run (used by the sharp-alone target, which runs in the same rounds as the
 * servers); `measureSharpAlone` is the older one-off measurement while preparing (`--sharp-seconds`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LatencyRecorder } from '../../src/load/latency-recorder.ts';
import type { RunMeasurement } from '../../src/load/types.ts';
import { configureSharp, sharpThreads } from '../../../servers/image-scaler/src/scale/sharp-settings.ts';
import { parseImageQuery } from '../../../servers/image-scaler/src/request/query.ts';
import { scaleImage } from '../../../servers/image-scaler/src/scale/scale-image.ts';
import { RequestMix, type MixSpec } from './request-mix.ts';

export interface SharpAloneResult {
  readonly operations: number;
  readonly seconds: number;
  readonly operationsPerSecond: number;
  readonly concurrency: number;
  readonly uvThreadpoolSize: number;
  readonly libvipsThreadsPerImage: number;
}

/** Scales one request path (`/images/<name>?w=...`) and resolves to the size of the output in bytes. */
export type ScaleFunction = (path: string) => Promise<number>;

export interface SharpLoopOptions {
  /** Where the request paths come from, in order (the same sequence a server target gets). */
  readonly nextPath: () => string;
  readonly scale: ScaleFunction;
  /** Operations in flight, as a server has one per connection. */
  readonly concurrency: number;
  readonly seconds: number;
}

/**
 * Runs `concurrency` loops until the deadline, each taking the next path of the shared sequence, so the keys
 * are scaled in sequence order. Reported as a load run: an operation is a request, output bytes are response
 * bytes, a failed scale is an error.
 */
export async function runSharpLoop(options: SharpLoopOptions): Promise<RunMeasurement> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  const latencies = new LatencyRecorder();
  let operations = 0;
  let bytes = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) {
        const path = options.nextPath();
        const sentAt = performance.now();
        try {
          const outputBytes = await options.scale(path);
          latencies.record(performance.now() - sentAt);
          bytes += outputBytes;
        } catch {
          errors++;
        }
        operations++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: operations,
    durationSeconds: seconds,
    requestsPerSecond: operations / seconds,
    bytesPerSecond: bytes / seconds,
    latencyMs: latencies.summary(),
    non2xx: 0,
    errors,
    timeouts: 0,
  };
}

/** Reads every source image of the mix into memory, so that a scale never waits for the disk. */
export async function loadSources(imagesDir: string, images: readonly string[]): Promise<Map<string, Buffer>> {
  const sources = new Map<string, Buffer>();
  for (const name of images) sources.set(name, await readFile(join(imagesDir, name)));
  return sources;
}

/** sharp scaling a request path from the in-memory sources, as the servers do on a miss. */
export function sharpScaler(sources: ReadonlyMap<string, Buffer>): ScaleFunction {
  configureSharp();
  return async (path) => {
    const query = parseImageQuery(path);
    return (await scaleImage(sources.get(query.name)!, query)).bytes.length;
  };
}

/** The one-off measurement: twice as many operations in flight as libuv has threads (keeps its pool busy). */
export async function measureSharpAlone(imagesDir: string, spec: MixSpec, seconds: number): Promise<SharpAloneResult> {
  const scale = sharpScaler(await loadSources(imagesDir, spec.images));
  const mix = new RequestMix({ ...spec, hitRatio: 0 });
  const { uvThreadpoolSize, libvipsThreadsPerImage } = sharpThreads();
  const concurrency = uvThreadpoolSize * 2;
  const run = await runSharpLoop({ nextPath: () => mix.next(), scale, concurrency, seconds });
  return {
    operations: run.requests,
    seconds: run.durationSeconds,
    operationsPerSecond: run.requestsPerSecond,
    concurrency,
    uvThreadpoolSize,
    libvipsThreadsPerImage,
  };
}
