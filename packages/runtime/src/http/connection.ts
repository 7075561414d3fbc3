/**
 * One client connection as the HTTP source sees it: frames request heads out of the byte stream, starts one
 * flow per request and waits for its outcome before starting the next (so pipelined requests are answered in
 * order), reads and discards request bodies, enforces the size limits and the timeouts, and closes gracefully.
 *
 * States
 *   idle      waiting for the first byte of the next request        deadline: idle timeout  -> close quietly
 *   head      part of a request head received                       deadline: header timeout -> 408, close
 *   busy      a flow is answering the current request               no deadline (the server's own time)
 *   draining  the client is not reading its responses; waiting      deadline: idle timeout  -> destroy
 *   closing   our side is ended; reading and dropping what arrives  deadline: linger        -> destroy
 *             (while our responses are still going out: idle timeout, renewed while the reader makes progress)
 */

import type { Socket } from 'node:net';
import type { Conn, FlowOutcome } from '../api.ts';
import { scanFraming } from './framing.ts';
import type { HttpListenOptions } from './options.ts';
import { simpleResponse } from './response.ts';

export type ConnectionState = 'idle' | 'head' | 'busy' | 'draining' | 'closing';

/** Starts the flow of one request head; calls `done` with its outcome (at once when the flow ran to its end). */
export type EmitRequest = (done: (outcome: FlowOutcome) => void, conn: Conn, head: string) => void;

/** What a connection reads from the source's options: its limits, and the name on its own responses. */
export type ConnectionLimits = Pick<
  HttpListenOptions,
  'headerTimeoutMs' | 'idleTimeoutMs' | 'lingerMs' | 'maxRequestLine' | 'maxHeaderBytes' | 'maxDiscardBytes' | 'serverName'
>;

const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
/** Bytes buffered beyond one maximal head while a flow runs before we stop reading from the socket. */
const READ_AHEAD = 64 * 1024;

export class Connection {
  readonly socket: Socket;
  readonly conn: Conn;
  state: ConnectionState = 'idle';
  /** When the current state times out (ms since the epoch), 0 for never. */
  deadline = 0;
  private readonly limits: ConnectionLimits;
  private readonly emit: EmitRequest;
  private buffer: Buffer = EMPTY;
  /** Where to resume the search for CRLFCRLF in `buffer`. */
  private scanFrom = 0;
  /** Body bytes of the current request still to read and drop. */
  private discard = 0;
  /** The connection closes once the current request is answered. */
  private closeAfter = false;
  private stopping = false;
  /** While closing: bytes of our responses not yet flushed when last looked at (0: all out). */
  private unflushed = 0;
  /** Inside `emit`: a flow that ends at once leaves its outcome in `endedAtOnce` for `startNext`. */
  private emitting = false;
  private endedAtOnce: FlowOutcome | undefined = undefined;
  /** `outcome`, bound once: one flow per request, no closure per flow. */
  private readonly onOutcome = (outcome: FlowOutcome): void => this.outcome(outcome);

  constructor(socket: Socket, conn: Conn, limits: ConnectionLimits, emit: EmitRequest) {
    this.socket = socket;
    this.conn = conn;
    this.limits = limits;
    this.emit = emit;
    this.deadline = Date.now() + limits.idleTimeoutMs;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // The server runs with allowHalfOpen: a client that half-closes after its request still gets the answer.
    socket.on('end', () => this.onEnd());
  }

  /** Called by the server's timer sweep. */
  checkDeadline(now: number): void {
    if (this.deadline === 0 || now < this.deadline) return;
    if (this.state === 'closing' && this.unflushed > 0) {
      // Still sending what was answered: a reader that makes progress gets more time, one that stalls does not.
      const left = this.socket.writableLength;
      if (left > 0 && left < this.unflushed) {
        this.unflushed = left;
        this.deadline = now + this.limits.idleTimeoutMs;
        return;
      }
    }
    switch (this.state) {
      case 'head':
        this.reject(408);
        break;
      case 'idle':
        this.close();
        break;
      default:
        this.socket.destroy();
    }
  }

  /** The server is stopping: close now when no request is being answered, else right after it. */
  stop(): void {
    this.stopping = true;
    if (this.state === 'busy') this.closeAfter = true;
    // Closing and done sending: only waiting for the client to hang up. Still sending: let it finish.
    else if (this.state === 'closing') {
      if (this.unflushed === 0) this.socket.destroy();
    } else if (this.state === 'idle' && this.buffer.length === 0) {
      // A request may already sit in the socket, unread (this thread was busy): answer it if it comes within
      // the linger time (it closes the connection after), else close then.
      this.deadline = Date.now() + this.limits.lingerMs;
    } else this.close();
  }

  /** The client finished sending: answer what is in progress (or already buffered), then close. */
  private onEnd(): void {
    if (this.state === 'busy' || this.state === 'draining') return; // `next` looks at it
    if (this.state === 'closing') {
      this.socket.destroy();
      return;
    }
    this.next();
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closing') return; // dropped: we only wait for the client to go
    if (this.discard > 0) {
      const n = Math.min(this.discard, chunk.length);
      this.discard -= n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.state === 'idle') this.advance();
    else if (this.state === 'head') this.advance();
    // Answering (or waiting for the client to read its answers): buffer a little, then stop reading.
    else if (this.buffer.length > this.limits.maxHeaderBytes + READ_AHEAD) this.socket.pause();
  }

  /**
   * Starts the requests in the buffer, one at a time, until one is still being answered or no complete head is
   * left. A loop, not recursion: flows that end at once (a cache hit) would otherwise nest one call deeper for
   * each pipelined request.
   */
  private advance(): void {
    while (this.startNext()) this.becomeIdle();
    // Whatever stays buffered now waits: copy it, so the (possibly large) chunk it came from can be freed.
    const b = this.buffer;
    if (b.length > 0 && b.length < b.buffer.byteLength) this.buffer = Buffer.from(b);
  }

  /**
   * Frames the next request head from the buffer and starts its flow, or sets up the wait for more bytes.
   * Returns true when the flow ended at once and the connection can go on to the next request.
   */
  private startNext(): boolean {
    const limits = this.limits;
    let b = this.buffer;
    // RFC 9112 2.2: empty lines before a request line are ignored.
    let skip = 0;
    while (skip + 1 < b.length && b[skip] === 13 && b[skip + 1] === 10) skip += 2;
    if (skip > 0) {
      b = b.subarray(skip);
      this.buffer = b;
      this.scanFrom = Math.max(0, this.scanFrom - skip);
    }
    // Deadlines are set only where the connection waits (nothing buffered, or half a head): a request that is
    // complete on arrival goes straight to 'busy' without reading the clock.
    if (b.length === 0 || (b.length === 1 && b[0] === 13)) {
      if (this.state !== 'idle' || this.deadline === 0) {
        this.state = 'idle';
        this.deadline = Date.now() + limits.idleTimeoutMs;
      }
      return false;
    }
    const end = b.indexOf(CRLFCRLF, this.scanFrom);
    if (end < 0) {
      if (this.state === 'idle') {
        this.state = 'head';
        this.deadline = Date.now() + limits.headerTimeoutMs;
      }
      const lineEnd = b.indexOf(CRLF);
      if ((lineEnd < 0 && b.length > limits.maxRequestLine) || lineEnd > limits.maxRequestLine) return this.reject(414);
      if (b.length > limits.maxHeaderBytes) return this.reject(431);
      this.scanFrom = Math.max(0, b.length - 3);
      return false;
    }
    // A head shorter than the request line limit cannot hold a request line over it.
    if (end > limits.maxRequestLine && b.indexOf(CRLF) > limits.maxRequestLine) return this.reject(414);
    if (end + 4 > limits.maxHeaderBytes) return this.reject(431);
    const head = b.toString('latin1', 0, end);
    const framing = scanFraming(head, limits.maxDiscardBytes);
    if (framing.invalid) return this.reject(400);
    let restAt = end + 4;
    if (framing.bodyLength > 0) {
      const n = Math.min(framing.bodyLength, b.length - restAt);
      restAt += n;
      this.discard = framing.bodyLength - n;
    }
    this.buffer = restAt === b.length ? EMPTY : b.subarray(restAt);
    this.scanFrom = 0;
    this.closeAfter = framing.close || this.stopping;
    this.state = 'busy';
    this.deadline = 0;
    this.emitting = true;
    this.emit(this.onOutcome, this.conn, head);
    this.emitting = false;
    const outcome = this.endedAtOnce;
    if (outcome === undefined) return false; // still running: `onOutcome` goes on from there
    this.endedAtOnce = undefined;
    return this.settle(outcome);
  }

  /** A flow's outcome, at once (inside `emit`) or later. */
  private outcome(outcome: FlowOutcome): void {
    if (this.emitting) {
      this.endedAtOnce = outcome;
      return;
    }
    try {
      if (this.settle(outcome)) this.next();
    } catch {
      this.socket.destroy(); // only a bug here gets there: never leave the client hanging
    }
  }

  /**
   * The current request was answered: close, wait for the client to read, or (true) go on to the next request.
   */
  private settle(outcome: FlowOutcome): boolean {
    const socket = this.socket;
    if (socket.destroyed) return false;
    if (this.closeAfter || outcome.status === 'overload' || socket.writableEnded) {
      this.close();
      return false;
    }
    if (socket.writableNeedDrain) {
      // The client is not reading: answer nothing more until it does.
      this.state = 'draining';
      this.deadline = Date.now() + this.limits.idleTimeoutMs;
      socket.once('drain', () => {
        if (this.state === 'draining') this.next();
      });
      return false;
    }
    return true;
  }

  /** Ready for the next request; `startNext` sets the idle deadline if the connection ends up waiting. */
  private becomeIdle(): void {
    if (this.socket.isPaused()) this.socket.resume();
    this.state = 'idle';
    this.deadline = 0;
  }

  /**
   * Waits for (or starts) the next request. After the client half-closed, requests it sent before are still
   * answered; once no complete one is left, the connection closes.
   */
  private next(): void {
    this.becomeIdle();
    this.advance();
    const now = this.state as ConnectionState; // advance() may have moved it on
    if (now !== 'busy' && now !== 'closing' && this.socket.readableEnded) this.close();
  }

  /** Answers a request the source itself refuses (framing, limits, timeout), then closes. Returns false. */
  private reject(status: number): false {
    if (this.socket.writable && !this.socket.writableEnded) this.socket.write(simpleResponse({ status, server: this.limits.serverName, keepAlive: false }));
    this.close();
    return false;
  }

  /**
   * Ends our side, then keeps reading (and dropping) until the client closes or the linger time passes, so a
   * client still sending does not get a reset that could destroy the response before it reads it.
   */
  private close(): void {
    const socket = this.socket;
    this.state = 'closing';
    this.buffer = EMPTY;
    if (!socket.writableEnded) socket.end();
    if (socket.isPaused()) socket.resume();
    const left = socket.writableLength;
    if (left === 0) {
      this.deadline = Date.now() + this.limits.lingerMs;
      return;
    }
    // The linger starts once the responses are out: a slow reader of a large answer is not cut off after it.
    this.unflushed = left;
    this.deadline = Date.now() + this.limits.idleTimeoutMs;
    socket.once('finish', () => {
      this.unflushed = 0;
      this.deadline = Date.now() + this.limits.lingerMs;
    });
  }
}
