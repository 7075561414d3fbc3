/** ReadRequest and Lookup: from a request head to a parsed request and what the cache has for it. */

import type { Conn, CacheResult, Request } from '../types.ts';
import { parseRequestHead } from '../http/parse.ts';
import { state } from '../state.ts';

export function ReadRequest(conn: Conn, head: string): [Conn, Request] {
  return [conn, parseRequestHead(head)];
}

/** Under the `cache` reader lock. Synchronous, so the event runtime can elide the lock. */
export function Lookup(conn: Conn, request: Request): [Conn, Request, CacheResult] {
  return [conn, request, state().cache.lookup(request)];
}

export function IsCached(cached: CacheResult): boolean {
  return cached.hit;
}
