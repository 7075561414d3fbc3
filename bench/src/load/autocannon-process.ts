/**
 * The load process: runs autocannon programmatically, in a process of its own (autocannon inside the server's
 * process halves what it measures), and reports each run back as JSON over IPC. Every request takes the next
 * path of a fixed, seeded sequence; each run starts again from its beginning, so all targets see the same
 * requests in the same order.
 */
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import type { FromLoadProcess, ToLoadProcess } from './autocannon-protocol.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import type { RunMeasurement } from './types.ts';

const version = (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;

let paths: readonly string[] = ['/'];
let timeoutSeconds = 10;
let cursor = 0;
const latencies = new LatencyRecorder();

function send(message: FromLoadProcess): void {
  process.send!(message);
}

function measurement(result: autocannon.Result): RunMeasurement {
  const seconds = result.duration > 0 ? result.duration : 1;
  return {
    requests: result.requests.total,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.total / seconds,
    bytesPerSecond: result.throughput.total / seconds,
    // Successful responses only, as autocannon counts latency.
    latencyMs: latencies.summary(),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function run(message: Extract<ToLoadProcess, { type: 'run' }>): Promise<void> {
  if (new URL(message.url).hostname !== '127.0.0.1') {
    send({ type: 'error', id: message.id, message: `refusing to load ${message.url}: only 127.0.0.1 is a target` });
    return;
  }
  cursor = 0;
  latencies.reset();
  try {
    const options: autocannon.Options = {
      url: message.url,
      connections: message.connections,
      duration: message.durationSeconds,
      timeout: timeoutSeconds,
      pipelining: 1,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            request.path = paths[cursor];
            cursor = cursor + 1 === paths.length ? 0 : cursor + 1;
            return request;
          },
        },
      ],
    };
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(options, (error: unknown, finished: autocannon.Result) => (error ? reject(error) : resolve(finished)));
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) latencies.record(responseTime);
      });
    });
    send({ type: 'result', id: message.id, measurement: measurement(result) });
  } catch (error) {
    send({ type: 'error', id: message.id, message: (error as Error).message });
  }
}

process.on('message', (message: ToLoadProcess) => {
  if (message.type === 'configure') {
    paths = message.paths.length > 0 ? message.paths : ['/'];
    timeoutSeconds = message.timeoutSeconds;
  } else if (message.type === 'run') {
    void run(message);
  }
});
// The harness going away closes the channel: go too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', version });
