/**
 * wrk as the image scaler's load client in all-hit mode. There every request is a hot key, so nothing needs
 * what wrk cannot do (misses that are keys never asked before, continuing across runs): a fixed seeded sequence
 * of hot paths (hotSequence, the one the image load process starts each all-hit run with) replayed by wrk
 * measures the same thing, with a client in C instead of one Node thread. As the load process does, the first run
 * against a target (its warm-up) first asks every hot key once, so that every measured request is a hit.
 */
import { BenchError, benchCodes } from '../../src/errors.ts';
import type { LoadClient, LoadRunRequest } from '../../src/load/types.ts';
import { createWrkClient } from '../../src/load/wrk-client.ts';
import { prefillAll } from './prefill.ts';
import { hotPaths, hotSequence, type MixSpec } from './request-mix.ts';

/** Requests in the sequence wrk cycles through (each wrk thread starts at its own offset). */
export const ALL_HIT_SEQUENCE_LENGTH = 100_000;

export interface AllHitWrkOptions {
  readonly mix: MixSpec;
  /** The wrk binary (findWrk()). */
  readonly binary: string;
  readonly threads?: number;
  readonly sequenceLength?: number;
  /** How long one prefill request may take (a miss: sharp scales it). */
  readonly prefillTimeoutMs?: number;
}

export function createAllHitWrkClient(options: AllHitWrkOptions): LoadClient {
  if (options.mix.hitRatio < 1) throw new RangeError(`wrk drives the image scaler in all-hit mode only, not with a hit ratio of ${options.mix.hitRatio}`);
  const inner = createWrkClient({ paths: hotSequence(options.mix, options.sequenceLength ?? ALL_HIT_SEQUENCE_LENGTH), binary: options.binary, threads: options.threads });
  const hot = hotPaths(options.mix);
  const prefilled = new Set<string>();
  return {
    get name() {
      return inner.name;
    },
    open: () => inner.open(),
    async run(request: LoadRunRequest) {
      if (!prefilled.has(request.url)) {
        const url = new URL(request.url);
        if (url.hostname !== '127.0.0.1') throw new BenchError(benchCodes.NOT_LOOPBACK, `refusing to load ${request.url}: only 127.0.0.1 is a target`);
        await prefillAll(url.hostname, Number(url.port), hot, options.prefillTimeoutMs);
        prefilled.add(request.url);
      }
      return inner.run(request);
    },
    close: () => inner.close(),
  };
}
