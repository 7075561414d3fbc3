/**
 * One listening port for every copy of an 'every-thread' source (main thread side of `SourceContext.listen`).
 * Copies that ask for the same (source, host, port) share it with SO_REUSEPORT: every worker binds a socket of
 * its own and the kernel spreads new connections over them, so accepting costs the main thread nothing. The
 * first copy binds the port asked for (0: any free one); the others wait for that port and bind it too.
 *
 * (Measured against the main thread accepting and handing each socket to a worker, `postMessage(socket,
 * [socket])`: equal with keep-alive, a third fewer new connections per second; see ARCHITECTURE.md.)
 *
 * The address is announced (`FluxServer.listening`) once every worker's copy listens, so a launcher that waits
 * for it never sees a port only some workers serve.
 */

import type { ListenOptions } from '../api.ts';
import type { AddressBook } from '../core/listen.ts';
import type { WorkersHost } from './host.ts';
import type { ListenRequest } from './protocol.ts';

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
  /** The copy binding first, while `binding`. */
  binder: Copy | null;
  /** Copies waiting for the port to be known. */
  waiting: Copy[];
  /** Copies listening. */
  copies: Copy[];
  announced: boolean;
}

export class PortSharer {
  private readonly addresses: AddressBook | undefined;
  private readonly sourceName: (index: number) => string;
  private readonly workers: number;
  private readonly ports = new Map<string, SharedPort>();
  private readonly requests = new WeakMap<WorkersHost, Map<number, SharedPort>>();

  constructor(addresses: AddressBook | undefined, sourceName: (index: number) => string, workers: number) {
    this.addresses = addresses;
    this.sourceName = sourceName;
    this.workers = workers;
  }

  request(host: WorkersHost, request: number, what: ListenRequest): void {
    const { options } = what;
    const key = `${what.source}\u0000${options.host}\u0000${options.port}`;
    const copy: Copy = { host, request };
    let entry = this.ports.get(key);
    if (entry === undefined) {
      entry = { key, source: this.sourceName(what.source), options, state: 'binding', port: 0, error: '', binder: copy, waiting: [], copies: [], announced: false };
      this.ports.set(key, entry);
    }
    this.remember(copy, entry);
    if (entry.binder === copy) {
      host.answerListen(request, options.port);
    } else if (entry.state === 'failed') {
      host.answerListen(request, -1, entry.error);
    } else if (entry.state === 'binding') {
      entry.waiting.push(copy);
    } else {
      host.answerListen(request, entry.port);
    }
  }

  /** A copy's server listens. */
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
    if (!entry.announced && new Set(entry.copies.map((c) => c.host.index)).size >= this.workers) {
      entry.announced = true;
      this.addresses?.listening(entry.source, { host: entry.options.host, port: entry.port });
    }
  }

  /** A copy could not bind. If it was the first, every copy of the source fails the same way. */
  failed(host: WorkersHost, request: number, message: string): void {
    const entry = this.requests.get(host)?.get(request);
    if (entry === undefined) return;
    if (entry.state === 'binding') {
      entry.state = 'failed';
      entry.error = message;
      entry.binder = null;
      for (const copy of entry.waiting.splice(0)) copy.host.answerListen(copy.request, -1, message);
    }
    if (!entry.announced) this.addresses?.failed(entry.source, new Error(message));
  }

  /** A worker died: its copies listen no more; a port it was binding first passes to another copy. */
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

  private remember(copy: Copy, entry: SharedPort): void {
    let byRequest = this.requests.get(copy.host);
    if (byRequest === undefined) {
      byRequest = new Map();
      this.requests.set(copy.host, byRequest);
    }
    byRequest.set(copy.request, entry);
  }
}
