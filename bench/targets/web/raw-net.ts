/**
 * The fastest a single Node thread can serve these files while still being an honest HTTP/1.1 file server:
 * `node:net`, a hand-written head parser (request-head.ts), the same cache and policy as the node:http baseline
 * (file-cache.ts), and the same headers (Server, Date, Last-Modified, ETag, Content-Type, Content-Length,
 * Accept-Ranges). Keep-alive and pipelining: the requests of a connection are answered in order, the responses
 * found while reading one batch of bytes written corked (one writev); `Connection: close` (or HTTP/1.0 without
 * keep-alive) closes after the response; a request body is skipped by its Content-Length; a malformed head gets
 * a 400 and the connection closes. What it leaves out is what these benchmarks never ask for (ranges, chunked
 * request bodies).
 *
 *   node bench/targets/web/raw-net.ts --root <dir> [--port 0] [--cache-bytes N] [--max-file-bytes N]
 *     [--revalidate-ms N] [--exit-on-stdin-close]
 *
 * Prints `raw-net listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createReadStream } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { FileCache, type FileLookup } from './file-cache.ts';
import { errorBody, httpDate, resolveUrlPath, STATUS_TEXT } from './http-file-headers.ts';
import { parseRequestHead, type RequestHead } from './request-head.ts';
import { serveTarget } from '../serve-target.ts';

const SERVER = 'raw-net';
const HEAD_END = Buffer.from('\r\n\r\n');
/** Longer heads get a 431, as Node's own 16 KiB limit does. */
const MAX_HEAD_BYTES = 16 * 1024;
/** An idle keep-alive connection is closed after this (nginx's keepalive_timeout in the bench config). */
const IDLE_MS = 65_000;

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: '0' },
    'cache-bytes': { type: 'string', default: String(64 * 1024 * 1024) },
    'max-file-bytes': { type: 'string', default: String(1024 * 1024) },
    'revalidate-ms': { type: 'string', default: '1000' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});
if (!values.root) {
  console.error('raw-net: --root <dir> is required');
  process.exit(2);
}
const cache = new FileCache(values.root, {
  capacityBytes: Number(values['cache-bytes']),
  maxFileBytes: Number(values['max-file-bytes']),
  revalidateMs: Number(values['revalidate-ms']),
});

function connectionLine(head: Pick<RequestHead, 'version' | 'keepAlive'>): string {
  if (!head.keepAlive) return 'Connection: close\r\n';
  return head.version === '1.0' ? 'Connection: keep-alive\r\n' : '';
}

function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nServer: ${SERVER}\r\nDate: ${httpDate()}\r\n`;
}

/** A small complete response (errors), written as one buffer. */
function writeError(socket: Socket, status: number, head: Pick<RequestHead, 'version' | 'keepAlive'>, headOnly = false, extra = ''): void {
  const body = errorBody(status);
  const text = statusLine(status) + connectionLine(head) + extra +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` + (headOnly ? '' : body);
  socket.write(text, 'latin1');
}

/** Writes the answer to a file request; a promise when the body is streamed from disk (the next answer waits). */
function writeFile(socket: Socket, request: RequestHead, found: Exclude<FileLookup, { kind: 'missing' }>): Promise<void> | undefined {
  const { file } = found;
  if (request.ifNoneMatch === file.headers.etag) {
    socket.write(statusLine(304) + `Last-Modified: ${file.headers.lastModified}\r\nETag: ${file.headers.etag}\r\n` + connectionLine(request) + '\r\n', 'latin1');
    return undefined;
  }
  socket.write(statusLine(200) + file.headerLines + connectionLine(request) + '\r\n', 'latin1');
  if (request.method === 'HEAD') return undefined;
  if (found.kind === 'memory') {
    socket.write(found.body);
    return undefined;
  }
  return new Promise((resolve) => {
    const stream = createReadStream(found.fullPath);
    stream.on('error', () => {
      // The head promised a length the body can no longer keep: the connection cannot go on.
      socket.destroy();
      resolve();
    });
    stream.on('end', resolve);
    socket.once('close', resolve);
    stream.pipe(socket, { end: false });
  });
}

/** Answers one parsed request; returns a promise only when it had to wait (disk, or a streamed body). */
function answer(socket: Socket, request: RequestHead): Promise<void> | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    writeError(socket, 405, request, false, 'Allow: GET, HEAD\r\n');
    return undefined;
  }
  const path = resolveUrlPath(request.target);
  if (path === undefined) {
    writeError(socket, 400, request, request.method === 'HEAD');
    return undefined;
  }
  const hit = cache.fresh(path);
  if (hit && hit.kind !== 'missing') return writeFile(socket, request, hit);
  return cache.lookup(path).then(
    (found) => {
      if (found.kind === 'missing') writeError(socket, 404, request, request.method === 'HEAD');
      else return writeFile(socket, request, found);
    },
    () => writeError(socket, 500, request, request.method === 'HEAD'),
  );
}

function untilDrained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** One connection: bytes in, requests parsed and answered in order, however they arrive. */
function serveConnection(socket: Socket): void {
  let pending: Buffer | undefined;
  /** Body bytes of the current request still to skip. */
  let skip = 0;
  let busy = false;
  let closing = false;
  let peerEnded = false;

  const close = () => {
    closing = true;
    pending = undefined;
    socket.end();
  };

  const work = async (): Promise<void> => {
    busy = true;
    socket.cork();
    try {
      while (pending && !closing && !socket.destroyed) {
        if (skip > 0) {
          const n = Math.min(skip, pending.length);
          skip -= n;
          pending = n === pending.length ? undefined : pending.subarray(n);
          continue;
        }
        const end = pending.indexOf(HEAD_END);
        if (end < 0 || end > MAX_HEAD_BYTES) {
          if (end > MAX_HEAD_BYTES || pending.length > MAX_HEAD_BYTES) {
            writeError(socket, 431, { version: '1.1', keepAlive: false });
            close();
          }
          break;
        }
        const text = pending.toString('latin1', 0, end);
        const rest = end + HEAD_END.length;
        pending = rest === pending.length ? undefined : pending.subarray(rest);
        const parsed = parseRequestHead(text);
        if (!parsed.ok) {
          writeError(socket, parsed.status, { version: '1.1', keepAlive: false });
          close();
          break;
        }
        const request = parsed.head;
        skip = request.contentLength;
        const waiting = answer(socket, request);
        if (waiting) {
          // Flush what is ready before waiting on the disk; pipelined requests queue up in `pending`.
          socket.uncork();
          await waiting;
          socket.cork();
        }
        if (!request.keepAlive) close();
        else if (socket.writableNeedDrain) {
          socket.uncork();
          await untilDrained(socket);
          socket.cork();
        }
      }
    } finally {
      socket.uncork();
      busy = false;
    }
    if (peerEnded && !closing) close();
  };

  socket.setNoDelay(true);
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    pending = pending ? Buffer.concat([pending, chunk]) : chunk;
    if (!busy) void work();
  });
  socket.on('end', () => {
    peerEnded = true;
    if (!busy && !closing) close();
  });
}

// allowHalfOpen: a client that sends its requests and shuts down its side still gets every answer.
const server = createServer({ noDelay: true, allowHalfOpen: true }, serveConnection);
serveTarget(server, SERVER, { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
