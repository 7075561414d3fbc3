/**
 * The load client's ceiling for this profile: the least a server can do to answer, with a binary body of the
 * workload's typical response size. A plain `node:net` server with the whole response (head and body) built
 * once before it listens: for each request head found by scanning for CRLFCRLF it writes those bytes (the
 * answers to pipelined requests in order, corked together), and closes after a request that says
 * `Connection: close` (the prefill's). What it reaches is what the load client plus one Node thread can carry
 * for such responses on this machine. A node:http ceiling would be slower than the servers under test once a
 * fast client (wrk, in all-hit mode) drives them, and would flag them as capped when they are not.
 *
 *   node bench/targets/image-scaler/ceiling.ts [--body-bytes N] [--port 0] [--exit-on-stdin-close]
 */
import { randomFillSync } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { httpDate } from '../web/http-file-headers.ts';
import { serveTarget } from '../serve-target.ts';

const { values } = parseArgs({
  options: {
    'body-bytes': { type: 'string', default: '16384' },
    port: { type: 'string', default: '0' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});
const body = randomFillSync(Buffer.alloc(Number(values['body-bytes'])));
const response = Buffer.concat([
  Buffer.from(
    `HTTP/1.1 200 OK\r\nDate: ${httpDate()}\r\nContent-Type: image/jpeg\r\nContent-Length: ${body.length}\r\n` +
    'ETag: "ceiling"\r\nCache-Control: public, max-age=86400\r\n\r\n',
    'latin1',
  ),
  body,
]);
const HEAD_END = Buffer.from('\r\n\r\n');
const CLOSE = [Buffer.from('\r\nConnection: close'), Buffer.from('\r\nconnection: close')];

function asksToClose(bytes: Buffer, start: number, end: number): boolean {
  for (const token of CLOSE) {
    const at = bytes.indexOf(token, start);
    if (at >= 0 && at < end) return true;
  }
  return false;
}

function serveConnection(socket: Socket): void {
  let pending: Buffer | undefined;
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    const bytes = pending ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    let corked = false;
    for (let end = bytes.indexOf(HEAD_END, start); end >= 0; end = bytes.indexOf(HEAD_END, start)) {
      if (!corked && end + HEAD_END.length < bytes.length) {
        socket.cork();
        corked = true;
      }
      socket.write(response);
      const close = asksToClose(bytes, start, end);
      start = end + HEAD_END.length;
      if (close) {
        socket.end();
        break;
      }
    }
    if (corked) socket.uncork();
    pending = start < bytes.length ? bytes.subarray(start) : undefined;
    // No head is that long: not a load client of ours.
    if (pending && pending.length > 64 * 1024) socket.destroy();
  });
}

serveTarget(createServer({ noDelay: true }, serveConnection), 'ceiling', { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
