/**
 * A load client that measures the sharp-alone target in its own way and every other target with the inner
 * client: a run against the sharp-alone target's URL asks it for one run with as many operations in flight as
 * the run has connections (one request in flight a connection, as the load client keeps), bounded in time.
 */
import { BenchError, benchCodes } from '../../src/errors.ts';
import type { LoadClient, LoadRunRequest, RunMeasurement } from '../../src/load/types.ts';
import { RUN_PATH } from './sharp-alone-server.ts';

export interface SharpAloneRouting {
  /** The sharp-alone target's URL, once known (`http://127.0.0.1:<port>`). */
  readonly sharpAloneUrl: () => string | undefined;
  /** Extra seconds a run may take beyond its duration before it counts as hung. */
  readonly slackSeconds?: number;
}

export async function requestSharpAloneRun(url: string, concurrency: number, seconds: number, slackSeconds = 60): Promise<RunMeasurement> {
  const target = new URL(RUN_PATH, url);
  if (target.hostname !== '127.0.0.1') throw new BenchError(benchCodes.NOT_LOOPBACK, `refusing to load ${url}: only 127.0.0.1 is a target`);
  target.searchParams.set('concurrency', String(concurrency));
  target.searchParams.set('seconds', String(seconds));
  let response: Response;
  try {
    response = await fetch(target, { signal: AbortSignal.timeout((seconds + slackSeconds) * 1000) });
  } catch (error) {
    throw new BenchError(benchCodes.LOAD_CLIENT, `sharp-alone run against ${url} failed: ${(error as Error).message}`);
  }
  const body = (await response.json()) as RunMeasurement | { error: string };
  if (!response.ok || 'error' in body) {
    throw new BenchError(benchCodes.LOAD_CLIENT, `sharp-alone run against ${url}: ${'error' in body ? body.error : `HTTP ${response.status}`}`);
  }
  return body;
}

export function withSharpAlone(inner: LoadClient, routing: SharpAloneRouting): LoadClient {
  return {
    get name() {
      return inner.name;
    },
    open: () => inner.open(),
    run(request: LoadRunRequest) {
      if (request.url === routing.sharpAloneUrl()) return requestSharpAloneRun(request.url, request.connections, request.durationSeconds, routing.slackSeconds);
      return inner.run(request);
    },
    close: () => inner.close(),
  };
}
