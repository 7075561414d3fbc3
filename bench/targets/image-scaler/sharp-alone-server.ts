/**
 * The sharp-alone target's control server. It is no HTTP image server: the harness asks it for one measured run
 * (`GET /run?concurrency=N&seconds=S`), it runs sharp alone in a loop for that long and answers with the run's
 * measurement as JSON. Being a target process of its own lets sharp alone run in the same rounds as the servers
 * (interleaved, same duration, same number of runs), and the load process stays idle meanwhile.
 */
import { createServer, type Server } from 'node:http';
import type { RunMeasurement } from '../../src/load/types.ts';
import { RequestMix, type MixSpec } from './request-mix.ts';
import { runSharpLoop, type ScaleFunction } from './sharp-alone.ts';

export const RUN_PATH = '/run';
/** A run longer than this is refused (a typo, not a benchmark). */
const MAX_SECONDS = 3600;

export interface SharpAloneServerOptions {
  readonly scale: ScaleFunction;
  /** The workload's mix; sharp alone takes its misses only (hitRatio 0), the same miss keys a server gets. */
  readonly mix: MixSpec;
}

export function createSharpAloneServer(options: SharpAloneServerOptions): Server {
  // One mix for the life of the target, as the load process keeps one per target: the miss keys continue
  // across runs and are never repeated.
  const mix = new RequestMix({ ...options.mix, hitRatio: 0 });
  let busy = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== RUN_PATH) return answer(404, { error: `only GET ${RUN_PATH}` });
    const concurrency = Number(url.searchParams.get('concurrency'));
    const seconds = Number(url.searchParams.get('seconds'));
    if (!Number.isInteger(concurrency) || concurrency < 1 || !(seconds > 0 && seconds <= MAX_SECONDS)) {
      return answer(400, { error: `concurrency must be a positive integer and seconds from 0 to ${MAX_SECONDS}` });
    }
    if (busy) return answer(409, { error: 'a run is already going on' });
    busy = true;
    mix.restart();
    runSharpLoop({ nextPath: () => mix.next(), scale: options.scale, concurrency, seconds })
      .then((measurement: RunMeasurement) => answer(200, measurement))
      .catch((error: unknown) => answer(500, { error: (error as Error).message }))
      .finally(() => {
        busy = false;
      });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
