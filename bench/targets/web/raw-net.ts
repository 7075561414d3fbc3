/**
 * The fastest a single Node thread can serve these files while still being an honest HTTP/1.1 file server, as a
 * performance-minded hand-writer would write it: `node:net`, a hand-written head parser (request-head.ts), the
 * same cache and policy as the node:http baseline (file-cache.ts: lru-cache bounded in bytes, a hit older than
 * --revalidate-ms stats the file again, files over --max-file-bytes streamed from disk), and the same headers
 * (Server, Date, Last-Modified, ETag, Content-Type, Content-Length, Accept-Ranges).
 *
 * The hot path: each batch of bytes is framed and answered in a synchronous loop; a cache hit is one
 * `socket.write` of a complete 200 response (head and body in one Buffer) built once per file, connection
 * variant and second (hot-responses.ts, bounded like the Flux server's per-thread memo); no promise, no closure
 * and no timer per request. Only a disk access (a miss, a revalidation, a streamed body) goes async, and the
 * requests behind it wait their turn, so pipelined requests are always answered in order (the answers found in
 * one batch written corked: one writev). Idle connections are closed by one sweep over all connections each
 * second instead of a timer per socket (which Node re-arms on every read and write).
 *
 * Honest HTTP/1.1: keep-alive; `Connection: close` (or HTTP/1.0 without keep-alive) closes after the response; a
 * request body is skipped by its Content-Length; a malformed head gets a 400 and the connection closes; 304 on
 * If-None-Match, HEAD, 404, 400 (a path that leaves the root), 405; a client that stops reading gets no more
 * answers until it drains. What it leaves out is what these benchmarks never ask for (ranges, chunked request
 * bodies).
 *
 *   node bench/targets/web/raw-net.ts --root <dir> [--port 0] [--cache-bytes N] [--max-file-bytes N]
 *     [--revalidate-ms N] [--hot-response-bytes N] [--idle-ms N] [--exit-on-stdin-close]
 *
 * Prints `raw-net listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { FileCache, type FileLookup, type HeldFile, type ServedFile } from './file-cache.ts';
import { errorBody, httpDate, resolveUrlPath, STATUS_TEXT } from './http-file-headers.ts';
import { CONNECTION_LINE, HotResponses, okHead, variantOf, type Variant } from './hot-responses.ts';
import { parseRequestHead, type RequestHead } from './request-head.ts';
import { serveTarget } from '../serve-target.ts';

const SERVER = 'raw-net';
const HEAD_END = Buffer.from('\r\n\r\n');
/** Longer heads get a 431, as Node's own 16 KiB limit does. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Bytes buffered beyond one maximal head while an answer waits before the connection stops reading. */
const READ_AHEAD = 64 * 1024;
/** How often the idle sweep looks at every connection. */
const SWEEP_MS = 1000;
/** The Flux server's defaults for its per-thread complete responses (servers/web/src/options.ts, cache/file-cache.ts). */
const HOT_RESPONSE_BYTES = 16 * 1024 * 1024;
const HOT_MAX_BODY_BYTES = 256 * 1024;
const ALLOW = 'Allow: GET, HEAD\r\n';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: '0' },
    'cache-bytes': { type: 'string', default: String(64 * 1024 * 1024) },
    'max-file-bytes': { type: 'string', default: String(1024 * 1024) },
    'revalidate-ms': { type: 'string', default: '1000' },
    'hot-response-bytes': { type: 'string', default: String(HOT_RESPONSE_BYTES) },
    // A connection with no bytes received and no answer completed for this long is closed (nginx's
    // keepalive_timeout in the bench config).
    'idle-ms': { type: 'string', default: '65000' },
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
const hot = new HotResponses(SERVER, Number(values['hot-response-bytes']), HOT_MAX_BODY_BYTES);
const idleMs = Number(values['idle-ms']);

/** A small complete response (errors), as latin1 text. */
function errorResponse(status: number, variant: Variant, headOnly: boolean, extra = ''): string {
  const body = errorBody(status);
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nServer: ${SERVER}\r\nDate: ${httpDate()}\r\n` + CONNECTION_LINE[variant] + extra +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` + (headOnly ? '' : body);
}

function notModified(file: ServedFile, variant: Variant, now: number): string {
  return `HTTP/1.1 304 Not Modified\r\nServer: ${SERVER}\r\nDate: ${httpDate(now)}\r\n` +
    `Last-Modified: ${file.headers.lastModified}\r\nETag: ${file.headers.etag}\r\n` + CONNECTION_LINE[variant] + '\r\n';
}

/** What a connection is waiting for before it answers the requests queued in `pending`. */
type Waiting = 'nothing' | 'disk' | 'drain';

const connections = new Set<Connection>();

/** One connection: bytes in, requests framed and answered in order, however they arrive. */
class Connection {
  readonly socket: Socket;
  /** When bytes last arrived or an answer that waited completed (Date.now()), for the idle sweep. */
  lastActive: number;
  /** Bytes received and not yet used: requests queued behind one that waits, or part of a head. */
  private pending: Buffer | undefined = undefined;
  /** Body bytes of the current request still to skip. */
  private skip = 0;
  private waiting: Waiting = 'nothing';
  private closing = false;
  private peerEnded = false;
  /** The request answered from disk, and its path. */
  private current: RequestHead | undefined = undefined;
  private currentPath = '';
  private stream: ReadStream | undefined = undefined;
  // Bound once per connection, so that no request makes a closure.
  private readonly onFound = (found: FileLookup): void => this.found(found);
  private readonly onLookupFailed = (): void => this.lookupFailed();
  private readonly onStreamEnd = (): void => this.answered();
  private readonly onStreamError = (): void => {
    // The head promised a length the body can no longer keep: the connection cannot go on.
    this.socket.destroy();
  };

  constructor(socket: Socket) {
    this.socket = socket;
    this.lastActive = Date.now();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      connections.delete(this);
      this.stream?.destroy();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    const now = Date.now();
    this.lastActive = now;
    this.pending = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.waiting === 'nothing') this.serve(now);
    else if (this.pending.length > MAX_HEAD_BYTES + READ_AHEAD) this.socket.pause();
  }

  /** The client finished sending: answer what is complete, then close. */
  private onEnd(): void {
    this.peerEnded = true;
    if (this.waiting === 'nothing' && !this.closing) this.close();
  }

  private onDrain(): void {
    if (this.waiting !== 'drain') return;
    this.waiting = 'nothing';
    this.resume();
  }

  /** Answers the complete requests in `pending`, in order, until one has to wait. */
  private serve(now: number): void {
    const socket = this.socket;
    const bytes = this.pending;
    this.pending = undefined;
    const length = bytes === undefined ? 0 : bytes.length;
    let at = 0;
    let corked = false;
    while (at < length) {
      const b = bytes!;
      if (this.skip > 0) {
        const n = Math.min(this.skip, length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      // RFC 9112, 2.2: empty lines before a request line are ignored.
      if (b[at] === 13) {
        if (at + 1 === length) break;
        if (b[at + 1] === 10) {
          at += 2;
          continue;
        }
      }
      const end = b.indexOf(HEAD_END, at);
      if (end < 0) {
        if (length - at > MAX_HEAD_BYTES) this.reject(431);
        break;
      }
      if (end - at > MAX_HEAD_BYTES) {
        this.reject(431);
        break;
      }
      // The client is not reading its answers: answer nothing more until it does.
      if (socket.writableNeedDrain) {
        this.waiting = 'drain';
        break;
      }
      const next = end + HEAD_END.length;
      // More requests follow in this batch: their answers go out together, in one writev.
      if (!corked && next < length) {
        socket.cork();
        corked = true;
      }
      const parsed = parseRequestHead(b.toString('latin1', at, end));
      at = next;
      if (!parsed.ok) {
        this.reject(parsed.status);
        break;
      }
      const request = parsed.head;
      this.skip = request.contentLength;
      if (!this.answer(request, now)) {
        this.waiting = 'disk';
        break;
      }
      if (!request.keepAlive) {
        this.close();
        break;
      }
    }
    if (corked) socket.uncork();
    if (this.closing) return;
    if (at < length) this.pending = at === 0 ? bytes : bytes!.subarray(at);
    if (this.waiting !== 'nothing') {
      if (this.pending !== undefined && this.pending.length > MAX_HEAD_BYTES + READ_AHEAD) socket.pause();
    } else if (this.peerEnded) {
      this.close(); // nothing complete is left to answer
    }
  }

  /** Answers one request; false when the answer has to wait for the disk (`found` goes on from there). */
  private answer(request: RequestHead, now: number): boolean {
    const method = request.method;
    const headOnly = method === 'HEAD';
    if (!headOnly && method !== 'GET') {
      this.socket.write(errorResponse(405, variantOf(request.version, request.keepAlive), false, ALLOW), 'latin1');
      return true;
    }
    const path = resolveUrlPath(request.target);
    if (path === undefined) {
      this.socket.write(errorResponse(400, variantOf(request.version, request.keepAlive), headOnly), 'latin1');
      return true;
    }
    const file = cache.held(path, now);
    if (file !== undefined) {
      this.sendFile(request, path, file, now);
      return true;
    }
    this.current = request;
    this.currentPath = path;
    cache.lookup(path).then(this.onFound, this.onLookupFailed);
    return false;
  }

  /** A file in memory: 304, or its complete 200 response (one write), or for HEAD the head of it. */
  private sendFile(request: RequestHead, path: string, file: HeldFile, now: number): void {
    const socket = this.socket;
    const variant = variantOf(request.version, request.keepAlive);
    if (request.ifNoneMatch === file.headers.etag) {
      socket.write(notModified(file, variant, now), 'latin1');
      return;
    }
    const headOnly = request.method === 'HEAD';
    const response = hot.response(path, file, variant, now);
    if (response !== undefined) {
      socket.write(headOnly ? response.subarray(0, response.length - file.body.length) : response);
      return;
    }
    // A body too large to keep twice: its head, then the cached body (corked: one writev).
    const head = okHead(SERVER, file, variant, now);
    if (headOnly) {
      socket.write(head, 'latin1');
      return;
    }
    socket.cork();
    socket.write(head, 'latin1');
    socket.write(file.body);
    socket.uncork();
  }

  /** The disk's answer to the request that waited. */
  private found(found: FileLookup): void {
    const request = this.current!;
    const socket = this.socket;
    if (socket.destroyed) return;
    const now = Date.now();
    const headOnly = request.method === 'HEAD';
    const variant = variantOf(request.version, request.keepAlive);
    if (found.kind === 'missing') {
      socket.write(errorResponse(404, variant, headOnly), 'latin1');
    } else if (found.kind === 'memory') {
      this.sendFile(request, this.currentPath, found.file, now);
    } else if (request.ifNoneMatch === found.file.headers.etag) {
      socket.write(notModified(found.file, variant, now), 'latin1');
    } else {
      socket.write(okHead(SERVER, found.file, variant, now), 'latin1');
      if (!headOnly) {
        // Over the largest cached size: streamed; the next answer waits for its end.
        const stream = createReadStream(found.fullPath, { end: found.file.size - 1 });
        this.stream = stream;
        stream.on('error', this.onStreamError);
        stream.on('end', this.onStreamEnd);
        stream.pipe(socket, { end: false });
        return;
      }
    }
    this.answered();
  }

  private lookupFailed(): void {
    const request = this.current!;
    if (this.socket.destroyed) return;
    this.socket.write(errorResponse(500, variantOf(request.version, request.keepAlive), request.method === 'HEAD'), 'latin1');
    this.answered();
  }

  /** The answer that waited for the disk is out: close, or go on with the requests queued behind it. */
  private answered(): void {
    const request = this.current!;
    this.current = undefined;
    this.stream = undefined;
    this.waiting = 'nothing';
    if (this.socket.destroyed) return;
    if (!request.keepAlive) this.close();
    else this.resume();
  }

  private resume(): void {
    const now = Date.now();
    this.lastActive = now;
    if (this.socket.isPaused()) this.socket.resume();
    this.serve(now);
  }

  /** Answers a request this server refuses to read (malformed, too large), then closes. */
  private reject(status: number): void {
    this.socket.write(errorResponse(status, variantOf('1.1', false), false), 'latin1');
    this.close();
  }

  private close(): void {
    this.closing = true;
    this.pending = undefined;
    this.socket.end();
  }
}

/** One timer for every connection: those idle for --idle-ms are destroyed. */
function sweep(): void {
  const now = Date.now();
  for (const connection of connections) {
    if (now - connection.lastActive >= idleMs) connection.socket.destroy();
  }
}
setInterval(sweep, SWEEP_MS).unref();

// allowHalfOpen: a client that sends its requests and shuts down its side still gets every answer.
const server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
  connections.add(new Connection(socket));
});
serveTarget(server, SERVER, { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
