/**
 * The ceiling for misses: sharp alone, no server, scaling the workload's miss keys from memory in a loop with
 * twice as many operations in flight as libuv has threads (sharp queues its work there; the surplus keeps the
 * pool busy while JavaScript starts the next operation). Whatever a server adds on a miss (reading the file,
 * HTTP, the cache, the runtime) comes on top of this.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

export async function measureSharpAlone(imagesDir: string, spec: MixSpec, seconds: number): Promise<SharpAloneResult> {
  configureSharp();
  const sources = new Map<string, Buffer>();
  for (const name of spec.images) sources.set(name, await readFile(join(imagesDir, name)));
  const mix = new RequestMix({ ...spec, hitRatio: 0 });
  const { uvThreadpoolSize, libvipsThreadsPerImage } = sharpThreads();
  const concurrency = uvThreadpoolSize * 2;
  let operations = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const query = parseImageQuery(mix.next());
        await scaleImage(sources.get(query.name)!, query);
        operations++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    operations,
    seconds: elapsed,
    operationsPerSecond: operations / elapsed,
    concurrency,
    uvThreadpoolSize,
    libvipsThreadsPerImage,
  };
}
