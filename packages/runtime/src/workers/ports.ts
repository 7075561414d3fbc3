/**
 * One listening port for every copy of an 'every-thread' source (main thread side of `SourceContext.listen`).
 * Copies that ask for the same (source, host, port) share one port, in one of two ways:
 *
 * - 'reuse-port': every worker binds its own socket with SO_REUSEPORT and the kernel spreads new connections
 *   over them. The first copy binds the port asked for (0: any), the others wait for its port and bind it too.
 * - 'transfer': the main thread listens (pauseOnConnect) and hands each accepted socket to the next worker in
 *   turn (`postMessage(socket, [socket])`), which gives it to the source's server as a 'connection'.
 *
 * The address is announced (`FluxServer.listening`) once every worker's copy listens, so a launcher that waits
 * for it never sees a port only some workers serve.
 */

import { createServer, type Server, type Socket } from 'node:net';
import type { ListenOptions } from '../api.ts';
import { bind, type AddressBook } from '../core/listen.ts';
import { messageOf } from '../errors.ts';
import type { WorkersHost } from './host.ts';
import type { ListenRequest } from './protocol.ts';

export type PortSharing = 'reuse-port' | 'transfer';

interface Copy {
  readonly host: WorkersHost;
  readonly request: number;
}

interface SharedPort {
  readonly key: string;
  readonly source: string;
  readonly options: ListenOptions;
  state: 'binding' | 'bound' | 'failed';
  port: number;
  error: string;
  /** reuse-port: the copy binding first. */
  binder: Copy | null;
  /** Copies waiting for the port to be known. */
  waiting: Copy[];
  /** Copies listening (reuse-port) or taking connections (transfer). */
  copies: Copy[];
  /** transfer: the main thread's listening server, and whose turn it is. */
  acceptor: Server | null;
  turn: number;
  announced: boolean;
}

export class PortSharer {
  readonly mode: PortSharing;
  private readonly addresses: AddressBook | undefined;
  private readonly sourceName: (index: number) => string;
  private readonly workers: number;
  private readonly ports = new Map<string, SharedPort>();
  private readonly requests = new WeakMap<WorkersHost, Map<number, SharedPort>>();
  private readonly abort = new AbortController();

  constructor(mode: PortSharing, addresses: AddressBook | undefined, sourceName: (index: number) => string, workers: number) {
    this.mode = mode;
    this.addresses = addresses;
    this.sourceName = sourceName;
    this.workers = workers;
  }

  request(host: WorkersHost, request: number, what: ListenRequest): void {
    const { options } = what;
    const key = `${what.source}\u0000${options.host}\u0000${options.port}`;
    let entry = this.ports.get(key);
    const copy: Copy = { host, request };
    if (entry === undefined) {
      entry = {
        key,
        source: this.sourceName(what.source),
        options,
        state: 'binding',
        port: 0,
        error: '',
        binder: null,
        waiting: [],
        copies: [],
        acceptor: null,
        turn: 0,
        announced: false,
      };
      this.ports.set(key, entry);
      this.remember(copy, entry);
      if (this.mode === 'reuse-port') {
        entry.binder = copy;
        host.answerListen(request, options.port);
      } else {
        entry.waiting.push(copy);
        this.accept(entry);
      }
      return;
    }
    this.remember(copy, entry);
    if (entry.state === 'failed') host.answerListen(request, -1, entry.error);
    else if (entry.state === 'binding') entry.waiting.push(copy);
    else this.admit(entry, copy);
  }

  /** reuse-port: a copy's server listens. */
  listening(host: WorkersHost, request: number, port: number): void {
    const entry = this.requests.get(host)?.get(request);
    if (entry === undefined) return;
    if (entry.state === 'binding' && entry.binder?.host === host && entry.binder.request === request) {
      entry.state = 'bound';
      entry.port = port;
      entry.binder = null;
      for (const copy of entry.waiting.splice(0)) copy.host.answerListen(copy.request, port);
    }
    entry.copies.push({ host, request });
    this.announce(entry);
  }

  /** reuse-port: a copy could not bind. If it was the first, every copy of the source fails the same way. */
  failed(host: WorkersHost, request: number, message: string): void {
    const entry = this.requests.get(host)?.get(request);
    if (entry === undefined) return;
    if (entry.state === 'binding') this.fail(entry, message);
    else if (!entry.announced) this.addresses?.failed(entry.source, new Error(message));
  }

  /** A worker died: its copies take no more connections; a port it was binding first passes to another copy. */
  workerGone(host: WorkersHost): void {
    for (const entry of this.ports.values()) {
      entry.copies = entry.copies.filter((c) => c.host !== host);
      entry.waiting = entry.waiting.filter((c) => c.host !== host);
      if (entry.state !== 'binding' || entry.binder?.host !== host) continue;
      const next = entry.waiting.shift();
      if (next === undefined) {
        this.ports.delete(entry.key); // the replacement worker starts over
      } else {
        entry.binder = next;
        next.host.answerListen(next.request, entry.options.port);
      }
    }
  }

  /** Stops accepting (transfer): called first when the server stops. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all(
      [...this.ports.values()].map((entry) => new Promise<void>((resolve) => (entry.acceptor?.listening === true ? entry.acceptor.close(() => resolve()) : resolve()))),
    );
  }

  private remember(copy: Copy, entry: SharedPort): void {
    let byRequest = this.requests.get(copy.host);
    if (byRequest === undefined) {
      byRequest = new Map();
      this.requests.set(copy.host, byRequest);
    }
    byRequest.set(copy.request, entry);
  }

  /** A copy of a source whose port is known. */
  private admit(entry: SharedPort, copy: Copy): void {
    if (this.mode === 'reuse-port') {
      copy.host.answerListen(copy.request, entry.port);
      return;
    }
    copy.host.answerListen(copy.request, entry.port, undefined, true);
    entry.copies.push(copy);
    this.announce(entry);
  }

  private fail(entry: SharedPort, message: string): void {
    entry.state = 'failed';
    entry.error = message;
    entry.binder = null;
    for (const copy of entry.waiting.splice(0)) copy.host.answerListen(copy.request, -1, message);
    this.addresses?.failed(entry.source, new Error(message));
  }

  private announce(entry: SharedPort): void {
    if (entry.announced || new Set(entry.copies.map((c) => c.host.index)).size < this.workers) return;
    entry.announced = true;
    this.addresses?.listening(entry.source, { host: entry.options.host, port: entry.port });
  }

  /** transfer: the main thread listens for every copy. */
  private accept(entry: SharedPort): void {
    const acceptor = createServer({ pauseOnConnect: true }, (socket) => this.handOver(entry, socket));
    entry.acceptor = acceptor;
    bind(acceptor, entry.options, this.abort.signal).then(
      (address) => {
        entry.state = 'bound';
        entry.port = address.port;
        for (const copy of entry.waiting.splice(0)) this.admit(entry, copy);
      },
      (error: unknown) => this.fail(entry, messageOf(error)),
    );
  }

  private handOver(entry: SharedPort, socket: Socket): void {
    const copies = entry.copies.filter((c) => c.host.alive);
    if (copies.length === 0) {
      socket.destroy();
      return;
    }
    const copy = copies[entry.turn++ % copies.length]!;
    try {
      copy.host.transfer(copy.request, socket);
    } catch {
      socket.destroy();
    }
  }
}
