/**
 * One connection on the thread that owns its socket: the handshake (after MSE, for an inbound connection that
 * does not start in plaintext), then framing, and one flow per message, started in order: the next message's
 * flow starts once the previous one ended, so a peer's messages are handled in the order they came on every
 * runtime. Under `event` a flow of synchronous nodes ends inside `emitThen`, so that costs nothing.
 *
 * Backpressure: while the socket holds more than WRITE_HIGH bytes we have not sent (blocks we serve), no further
 * message is started (its requests would only add to it); reading stops while many messages wait.
 */

import type { Socket } from 'node:net';
import type { Conn, FlowOutcome, SourceContext } from '@flux/runtime/api.ts';
import { io } from '@flux/runtime/io/index.ts';
import type { PeerContext } from '../context.ts';
import { FrameReader } from '../protocol/framing.ts';
import { handshake, HANDSHAKE_LENGTH, parseHandshake, PROTOCOL } from '../protocol/handshake.ts';
import * as W from '../protocol/wire.ts';
import { F_LAST_RECV, F_LAST_SENT, P_BAN_KEY, P_CONN, P_ROW, banKeyOf } from '../state/swarm-state.ts';
import type { Msg, Peer } from '../types.ts';
import { loadMse, type MseStream } from './mse.ts';
import { slots } from './slots.ts';

const WRITE_HIGH = 1 << 20;
const QUEUE_HIGH = 256;

export type PeerSourceContext = SourceContext<[peer: Peer, msg: Msg]>;

export interface ConnectionOptions {
  readonly outbound: boolean;
  /** Outbound: the address dialed (what a ban names). */
  readonly address?: string;
  readonly onClosed?: () => void;
}

export class PeerConnection {
  private readonly socket: Socket;
  private readonly ctx: PeerSourceContext;
  private readonly pc: PeerContext;
  private readonly opts: ConnectionOptions;
  private readonly copy: boolean;
  private phase: 'first' | 'mse' | 'handshake' | 'open' | 'closed' = 'first';
  private pending: Buffer = Buffer.alloc(0);
  private stream: MseStream | undefined;
  private reader: FrameReader | undefined;
  private peer: Peer | undefined;
  private readonly queue: Msg[] = [];
  private head = 0;
  private busy = false;
  private failed = false;
  private waitingDrain = false;
  private closedQueued = false;
  private readonly timer: NodeJS.Timeout;

  constructor(socket: Socket, ctx: PeerSourceContext, pc: PeerContext, opts: ConnectionOptions) {
    this.socket = socket;
    this.ctx = ctx;
    this.pc = pc;
    this.opts = opts;
    // Outputs that cross to a worker are cloned: a view would drag its whole chunk along, so give each its own.
    this.copy = ctx.runtime === 'threadpool' || ctx.runtime === 'thread';
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('data', this.onData);
    socket.once('close', this.onClose);
    this.timer = setTimeout(() => {
      if (this.phase !== 'open') socket.destroy();
    }, pc.options.handshakeTimeoutMs);
    if (opts.outbound) {
      this.phase = 'handshake';
      socket.write(handshake(pc.meta.infoHash, pc.peerId));
    }
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      if (this.phase === 'open') {
        this.received(this.stream === undefined ? chunk : this.stream.decrypt(chunk));
        return;
      }
      if (this.phase === 'closed' || this.phase === 'mse') return;
      const plain = this.stream === undefined ? chunk : this.stream.decrypt(chunk);
      this.pending = this.pending.length === 0 ? plain : Buffer.concat([this.pending, plain]);
      if (this.phase === 'first') this.first();
      if (this.phase === 'handshake') this.handshake();
    } catch (error) {
      this.fail(error);
    }
  };

  /** An inbound connection's first bytes: the plaintext handshake, or an MSE handshake. */
  private first(): void {
    const header = Buffer.concat([Buffer.from([19]), Buffer.from(PROTOCOL, 'latin1')]);
    const n = Math.min(this.pending.length, header.length);
    if (this.pending.subarray(0, n).equals(header.subarray(0, n))) {
      if (this.pending.length >= header.length) this.phase = 'handshake';
      return;
    }
    const mse = loadMse();
    if (mse === undefined) throw new Error('not a BitTorrent handshake (and MSE is not available)');
    this.phase = 'mse';
    this.socket.off('data', this.onData);
    const first = this.pending;
    this.pending = Buffer.alloc(0);
    mse.respondMse(this.socket, first, [this.pc.meta.infoHash], { timeoutMs: this.pc.options.handshakeTimeoutMs })
      .then((stream) => {
        if (this.phase === 'closed') return;
        this.stream = stream;
        this.phase = 'handshake';
        this.socket.on('data', this.onData);
        this.pending = Buffer.from(stream.leftover);
        try {
          this.handshake();
        } catch (error) {
          this.fail(error);
        }
      })
      .catch((error: unknown) => this.fail(error));
  }

  private handshake(): void {
    if (this.pending.length < HANDSHAKE_LENGTH) return;
    const hs = parseHandshake(this.pending);
    if (!hs.infoHash.equals(this.pc.meta.infoHash)) throw new Error('handshake for a torrent we do not have');
    if (hs.peerId.equals(this.pc.peerId)) throw new Error('connected to ourselves');
    const key = this.opts.outbound && this.opts.address !== undefined
      ? banKeyOf(this.opts.address) : banKeyOf(`id:${hs.peerId.toString('hex')}`);
    const st = this.pc.state;
    if (st.isBanned(key)) throw new Error('banned peer');
    const slot = slots.take(st);
    if (slot < 0) throw new Error('no room for another peer');
    if (!this.opts.outbound) this.write(handshake(this.pc.meta.infoHash, this.pc.peerId));
    if (this.stream?.encrypted) encryptWrites(this.socket, this.stream);
    const conn: Conn = io.register(this.socket);
    const now = Date.now();
    st.clearPeer(slot);
    st.setPi(slot, P_CONN, conn.id);
    st.setPi(slot, P_ROW, conn.row ?? -1);
    st.setPi(slot, P_BAN_KEY, key);
    st.setPf(slot, F_LAST_RECV, now);
    st.setPf(slot, F_LAST_SENT, now);
    this.peer = { conn, slot };
    this.phase = 'open';
    clearTimeout(this.timer);
    const open = new Uint8Array(28);
    open.set(hs.reserved, 0);
    open.set(hs.peerId, 8);
    this.enqueue({ id: W.OPEN, data: open });
    const rest = this.pending.subarray(HANDSHAKE_LENGTH);
    this.pending = Buffer.alloc(0);
    this.reader = new FrameReader((id, payload) => this.enqueue({ id, data: this.copy ? new Uint8Array(payload) : payload }));
    if (rest.length > 0) this.received(Buffer.from(rest));
    this.pump();
  }

  private write(data: Buffer): void {
    this.socket.write(this.stream === undefined ? data : this.stream.encrypt(data));
  }

  private received(chunk: Buffer): void {
    this.pc.state.setPf(this.peer!.slot, F_LAST_RECV, Date.now());
    // What the flows of this chunk's messages write (the blocks they serve, the requests they send) leaves in
    // one writev once they are done, not in a write each; flows that end later write as usual.
    this.socket.cork();
    try {
      this.reader!.push(chunk);
      this.pump();
    } finally {
      this.socket.uncork();
    }
  }

  private enqueue(msg: Msg): void {
    if (this.failed && msg.id !== W.CLOSED) return;
    this.queue.push(msg);
  }

  private pump(): void {
    while (!this.busy && this.head < this.queue.length) {
      if (this.socket.writableLength > WRITE_HIGH && !this.closedQueued && this.phase === 'open') {
        if (!this.waitingDrain) {
          this.waitingDrain = true;
          this.socket.once('drain', () => {
            this.waitingDrain = false;
            this.pump();
          });
        }
        break;
      }
      const msg = this.queue[this.head++]!;
      this.busy = true;
      let sync = true;
      this.ctx.emitThen((outcome) => {
        this.busy = false;
        this.ended(msg, outcome);
        if (!sync) this.pump();
      }, this.peer!, msg);
      sync = false;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    const waiting = this.queue.length - this.head;
    if (this.phase === 'open') {
      if (waiting > QUEUE_HIGH && !this.socket.isPaused()) this.socket.pause();
      else if (waiting < QUEUE_HIGH / 2 && this.socket.isPaused()) this.socket.resume();
    }
  }

  private ended(msg: Msg, outcome: FlowOutcome): void {
    if (msg.id === W.CLOSED) {
      slots.give(this.pc.state, this.peer!.slot);
      this.ctx.endSession(this.peer!.conn.id);
      return;
    }
    if (outcome.status !== 'ok' && !this.failed) {
      // The flow's handler closed the connection; what else this peer sent is not looked at.
      this.failed = true;
      this.queue.length = this.head = 0;
      this.socket.destroy();
    }
  }

  private readonly onClose = (): void => {
    clearTimeout(this.timer);
    const wasOpen = this.phase === 'open';
    this.phase = 'closed';
    this.opts.onClosed?.();
    if (!wasOpen) return;
    this.failed = true;
    this.queue.length = this.head = 0;
    this.closedQueued = true;
    this.queue.push({ id: W.CLOSED, data: new Uint8Array(0) });
    this.pump();
  };

  private fail(error: unknown): void {
    if (process.env['BT_DEBUG']) process.stderr.write(`bittorrent: closing ${this.socket.remoteAddress}:${this.socket.remotePort}: ${(error as Error).message}\n`);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Every later write on the socket (io's, from any thread, land here) goes through the stream's cipher. */
function encryptWrites(socket: Socket, stream: MseStream): void {
  const write = socket.write.bind(socket) as (data: Uint8Array, cb?: (error?: Error | null) => void) => boolean;
  const end = socket.end.bind(socket) as (data?: Uint8Array, cb?: () => void) => Socket;
  const bytes = (data: string | Uint8Array): Buffer => (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  (socket as { write: unknown }).write = (data: string | Uint8Array, ...rest: unknown[]): boolean => {
    const cb = rest.find((x) => typeof x === 'function') as ((error?: Error | null) => void) | undefined;
    return write(stream.encrypt(bytes(data)), cb);
  };
  (socket as { end: unknown }).end = (data?: unknown, ...rest: unknown[]): Socket => {
    const cb = [data, ...rest].find((x) => typeof x === 'function') as (() => void) | undefined;
    if (data === undefined || typeof data === 'function') return end(undefined, cb);
    return end(stream.encrypt(bytes(data as Uint8Array)), cb);
  };
}
