/**
 * The default load client: autocannon in a child process (see autocannon-process.ts), driven over IPC, each
 * run bounded in time. Good for text bodies; binary or very large bodies cap autocannon early (it turns every
 * body into a string), so profiles with such bodies should bring their own client.
 */
import { fileURLToPath } from 'node:url';
import { createProcessLoadClient } from './process-client.ts';
import type { ToLoadProcess } from './autocannon-protocol.ts';
import type { LoadClient } from './types.ts';

const PROCESS_ENTRY = fileURLToPath(new URL('./autocannon-process.ts', import.meta.url));

export interface AutocannonClientOptions {
  /** The request paths, in order; the client cycles through them. */
  readonly paths: readonly string[];
  /** Per-request timeout, seconds. */
  readonly requestTimeoutSeconds?: number;
  /** Extra seconds a run may take beyond its duration before it counts as hung. */
  readonly slackSeconds?: number;
}

export function createAutocannonClient(options: AutocannonClientOptions): LoadClient {
  const configure: ToLoadProcess = { type: 'configure', paths: options.paths, timeoutSeconds: options.requestTimeoutSeconds ?? 10 };
  return createProcessLoadClient({
    entry: PROCESS_ENTRY,
    label: 'load process',
    name: (version) => `autocannon ${version}`,
    configure,
    slackSeconds: options.slackSeconds ?? 30,
    runMessage: (id, request): ToLoadProcess =>
      ({ type: 'run', id, url: request.url, connections: request.connections, durationSeconds: request.durationSeconds }),
  });
}
