/**
 * `SourceContext.listen` on the main thread, and the book of addresses sources listen on, which
 * `FluxServer.listening(source)` reads. A runtime whose sources run on other threads (`workers`) records their
 * addresses here too, so a launcher finds them the same way under every runtime.
 */

import { once } from 'node:events';
import type { Server } from 'node:net';
import type { ListenAddress, ListenOptions } from '../api.ts';

/** Binds `server` (with `reusePort` when asked); resolves with the port it got. */
export async function bind(server: Server, options: ListenOptions, signal: AbortSignal, reusePort = false): Promise<ListenAddress> {
  if (signal.aborted) throw stoppedBeforeListening();
  server.listen({ host: options.host, port: options.port, backlog: options.backlog, reusePort });
  const aborted = new AbortController();
  try {
    await Promise.race([
      once(server, 'listening', { signal: aborted.signal }),
      once(signal, 'abort', { signal: aborted.signal }).then(() => Promise.reject(stoppedBeforeListening())),
    ]);
  } catch (error) {
    server.close();
    throw error;
  } finally {
    aborted.abort();
  }
  const address = server.address();
  return { host: options.host, port: typeof address === 'object' && address !== null ? address.port : options.port };
}

function stoppedBeforeListening(): Error {
  return new Error('the server stopped before the source could listen');
}

type Entry =
  | { readonly state: 'waiting'; readonly waiters: { resolve(a: ListenAddress): void; reject(e: unknown): void }[] }
  | { readonly state: 'listening'; readonly address: ListenAddress }
  | { readonly state: 'failed'; readonly error: unknown };

/** Source name -> the address it listens on (its first `listen`), or why it could not. */
export class AddressBook {
  private readonly entries = new Map<string, Entry>();
  private closedWith: unknown = null;

  listening(source: string, address: ListenAddress): void {
    const entry = this.entries.get(source);
    if (entry !== undefined && entry.state !== 'waiting') return;
    this.entries.set(source, { state: 'listening', address });
    if (entry !== undefined) for (const w of entry.waiters) w.resolve(address);
  }

  failed(source: string, error: unknown): void {
    const entry = this.entries.get(source);
    if (entry !== undefined && entry.state !== 'waiting') return;
    this.entries.set(source, { state: 'failed', error });
    if (entry !== undefined) for (const w of entry.waiters) w.reject(error);
  }

  /** The server stopped: sources that never listened will not. */
  close(error: unknown): void {
    this.closedWith = error;
    for (const [source, entry] of this.entries) if (entry.state === 'waiting') this.failed(source, error);
  }

  get(source: string): Promise<ListenAddress> {
    const entry = this.entries.get(source);
    if (entry?.state === 'listening') return Promise.resolve(entry.address);
    if (entry?.state === 'failed') return Promise.reject(entry.error);
    if (this.closedWith !== null) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const waiting = entry ?? { state: 'waiting' as const, waiters: [] };
      waiting.waiters.push({ resolve, reject });
      this.entries.set(source, waiting);
    });
  }
}
