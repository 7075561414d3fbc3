/**
 * Where the Listen source announces the address it is bound to. Sources run on the main thread, and so do the
 * launchers (serve.ts, tests, the benchmark), so a module-level emitter reaches them; runtime options must stay
 * structured-cloneable (workers get a copy), which rules out passing a callback in them.
 */

import { EventEmitter, once } from 'node:events';

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
}

/** What a launcher hears: the address, or why the server could not listen. */
export type ListenResult = { readonly ok: true; readonly address: ListeningAddress } | { readonly ok: false; readonly error: Error };

const announcements = new EventEmitter();
const known = new Map<string, ListenResult>();

/** Called by the Listen source; `id` is the `listenId` option. */
export function announce(id: string, result: ListenResult): void {
  known.set(id, result);
  announcements.emit(id, result);
}

/** Resolves with the address once the server with this `listenId` listens; rejects if it cannot. */
export async function whenListening(id: string, signal?: AbortSignal): Promise<ListeningAddress> {
  let result = known.get(id);
  if (result === undefined) [result] = (await once(announcements, id, { signal })) as [ListenResult];
  if (!result.ok) throw result.error;
  return result.address;
}

export function forget(id: string): void {
  known.delete(id);
}
