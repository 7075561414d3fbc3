/** The LoadClient side of load-process.ts: forks it, configures the request mix, runs it over IPC, bounded in time. */
import { fileURLToPath } from 'node:url';
import { createProcessLoadClient } from '../../src/load/process-client.ts';
import type { LoadClient } from '../../src/load/types.ts';
import type { ToImageLoad } from './load-protocol.ts';
import type { MixSpec } from './request-mix.ts';

const PROCESS_ENTRY = fileURLToPath(new URL('./load-process.ts', import.meta.url));

export interface ImageLoadClientOptions {
  readonly mix: MixSpec;
  readonly requestTimeoutSeconds?: number;
  /** Extra seconds a run may take beyond its duration (prefill included) before it counts as hung. */
  readonly slackSeconds?: number;
}

export function createImageLoadClient(options: ImageLoadClientOptions): LoadClient {
  /** Targets already prefilled (the first run against a URL, its warm-up, fills the hot keys). */
  const prefilled = new Set<string>();
  const configure: ToImageLoad = { type: 'configure', mix: options.mix, timeoutSeconds: options.requestTimeoutSeconds ?? 30 };
  return createProcessLoadClient({
    entry: PROCESS_ENTRY,
    label: 'image load process',
    name: (version) => version,
    configure,
    slackSeconds: options.slackSeconds ?? 120,
    runMessage: (id, request): ToImageLoad => {
      const prefill = options.mix.hitRatio > 0 && !prefilled.has(request.url);
      prefilled.add(request.url);
      return { type: 'run', id, url: request.url, connections: request.connections, durationSeconds: request.durationSeconds, prefill };
    },
  });
}
