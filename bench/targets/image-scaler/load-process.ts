/**
 * A load client for binary responses: raw keep-alive HTTP/1.1 over `net` sockets, one request in flight per
 * connection, each response framed by its Content-Length and its body discarded unread (no decoding, no string
 * conversion: autocannon stringifies bodies, which caps it near 8.5k req/s on binary responses). It runs in a
 * process of its own, driven over IPC; the ceiling target shows how fast it can go on this machine.
 */
import { connect, type Socket } from 'node:net';
import { LatencyRecorder } from '../../src/load/latency-recorder.ts';
import type { RunMeasurement } from '../../src/load/types.ts';
import type { FromImageLoad, ToImageLoad } from './load-protocol.ts';
import { prefillAll } from './prefill.ts';
import { RequestMix, type MixSpec } from './request-mix.ts';

export const CLIENT_VERSION = 'raw-http1 1';
const HEAD_END = Buffer.from('\r\n\r\n');

let spec: MixSpec | undefined;
/** One mix per target, so that each sees the same request sequence, its miss keys continuing across its runs. */
const mixes = new Map<string, RequestMix>();
let timeoutSeconds = 10;

function send(message: FromImageLoad): void {
  process.send!(message);
}

interface Totals {
  requests: number;
  bytes: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Idle keep-alive connections left by the last run against each target, taken up by its next run: the warm-up
 * opens the connections and the measured runs reuse them, as a real client keeps its connections (under the
 * `thread` runtime a new connection means a new worker, which a measured run should not pay for each time).
 */
const parked = new Map<string, Socket[]>();

function park(target: string, socket: Socket): void {
  socket.removeAllListeners();
  const list = parked.get(target) ?? [];
  list.push(socket);
  parked.set(target, list);
  const drop = () => {
    const at = list.indexOf(socket);
    if (at >= 0) list.splice(at, 1);
    socket.destroy();
  };
  socket.once('close', drop);
  socket.once('error', drop);
}

function unpark(target: string): Socket | undefined {
  const socket = parked.get(target)?.pop();
  socket?.removeAllListeners();
  return socket;
}

/** Drives one connection until `deadline`: send, read one response, repeat. */
function driveConnection(host: string, port: number, nextPath: () => string, deadline: number, totals: Totals, latencies: LatencyRecorder): Promise<void> {
  const target = `${host}:${port}`;
  return new Promise((resolve) => {
    let socket: Socket;
    let buffered: Buffer = Buffer.alloc(0);
    let bodyLeft = -1; // -1: reading a head
    let status = 0;
    let sentAt = 0;
    let responseBytes = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;

    const finish = (idle = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (idle && !socket.destroyed) park(target, socket);
      else socket.destroy();
      resolve();
    };
    const sendNext = () => {
      // Between two exchanges the connection is idle: at the deadline it is kept for the next run.
      if (performance.now() >= deadline) return finish(true);
      sentAt = performance.now();
      responseBytes = 0;
      clearTimeout(timer);
      timer = setTimeout(() => {
        totals.timeouts++;
        totals.errors++;
        reopen();
      }, timeoutSeconds * 1000);
      socket.write(`GET ${nextPath()} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
    };
    const completed = () => {
      totals.requests++;
      totals.bytes += responseBytes;
      if (status >= 200 && status < 300) latencies.record(performance.now() - sentAt);
      else totals.non2xx++;
      bodyLeft = -1;
      sendNext();
    };
    const onData = (chunk: Buffer) => {
      responseBytes += chunk.length;
      let data = buffered.length > 0 ? Buffer.concat([buffered, chunk]) : chunk;
      buffered = Buffer.alloc(0);
      while (data.length > 0) {
        if (bodyLeft < 0) {
          const end = data.indexOf(HEAD_END);
          if (end < 0) {
            buffered = data;
            return;
          }
          const head = data.toString('latin1', 0, end);
          status = Number(head.slice(9, 12));
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          bodyLeft = length ? Number(length[1]) : 0;
          data = data.subarray(end + HEAD_END.length);
          if (bodyLeft === 0) completed();
        } else {
          const take = Math.min(bodyLeft, data.length);
          bodyLeft -= take;
          data = data.subarray(take);
          if (bodyLeft === 0) completed();
        }
      }
    };
    const open = () => {
      buffered = Buffer.alloc(0);
      bodyLeft = -1;
      const reused = unpark(target);
      socket = reused ?? connect({ host, port, noDelay: true });
      if (reused) setImmediate(sendNext);
      else socket.on('connect', sendNext);
      socket.on('data', onData);
      socket.on('error', () => {
        totals.errors++;
      });
      socket.on('close', () => {
        if (!done) {
          if (performance.now() >= deadline) finish(false);
          else setTimeout(open, 10); // the server closed the connection: open another
        }
      });
    };
    const reopen = () => {
      socket.removeAllListeners();
      socket.destroy();
      if (performance.now() >= deadline) return finish(false);
      open();
    };
    open();
  });
}

async function run(message: Extract<ToImageLoad, { type: 'run' }>): Promise<void> {
  const url = new URL(message.url);
  if (url.hostname !== '127.0.0.1') {
    send({ type: 'error', id: message.id, message: `refusing to load ${message.url}: only 127.0.0.1 is a target` });
    return;
  }
  if (spec === undefined) {
    send({ type: 'error', id: message.id, message: 'load process not configured' });
    return;
  }
  let mix = mixes.get(message.url);
  if (mix === undefined) {
    mix = new RequestMix(spec);
    mixes.set(message.url, mix);
  }
  const host = url.hostname;
  const port = Number(url.port);
  if (message.prefill) await prefillAll(host, port, mix.hot);
  mix.restart();
  const current = mix;
  const totals: Totals = { requests: 0, bytes: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const latencies = new LatencyRecorder();
  const started = performance.now();
  const deadline = started + message.durationSeconds * 1000;
  await Promise.all(Array.from({ length: message.connections }, () => driveConnection(host, port, () => current.next(), deadline, totals, latencies)));
  const seconds = (performance.now() - started) / 1000;
  const measurement: RunMeasurement = {
    requests: totals.requests,
    durationSeconds: seconds,
    requestsPerSecond: totals.requests / seconds,
    bytesPerSecond: totals.bytes / seconds,
    latencyMs: latencies.summary(),
    non2xx: totals.non2xx,
    errors: totals.errors,
    timeouts: totals.timeouts,
  };
  send({ type: 'result', id: message.id, measurement });
}

process.on('message', (message: ToImageLoad) => {
  if (message.type === 'configure') {
    spec = message.mix;
    mixes.clear();
    timeoutSeconds = message.timeoutSeconds;
  } else if (message.type === 'run') {
    run(message).catch((error: unknown) => send({ type: 'error', id: message.id, message: (error as Error).message }));
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', version: CLIENT_VERSION });
