/**
 * Where the Listen source announces its bound address. Sources always run on the main thread, and so do the
 * launchers (serve.ts, tests, benchmark), so a module-level emitter reaches them; server options must stay
 * structured-cloneable (workers get a copy), which rules out passing a callback in them.
 */

import { EventEmitter, once } from 'node:events';

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
}

const announcements = new EventEmitter();
const known = new Map<string, ListeningAddress>();

/** Called by the Listen source; `id` is the `listenId` server option (default "default"). */
export function announceListening(id: string, address: ListeningAddress): void {
  known.set(id, address);
  announcements.emit(id, address);
}

/** Resolves with the address once the server started with this `listenId` listens. */
export async function whenListening(id: string, signal?: AbortSignal): Promise<ListeningAddress> {
  const ready = known.get(id);
  if (ready !== undefined) return ready;
  const [address] = (await once(announcements, id, { signal })) as [ListeningAddress];
  return address;
}

export function forgetListening(id: string): void {
  known.delete(id);
}
