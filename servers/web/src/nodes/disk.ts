/** The miss path: find the file (Resolve), read it (ReadFile), keep it (StoreInCache). */

import { open } from 'node:fs/promises';
import type { Conn, CacheResult, LoadedFile, Request, Resource } from '../types.ts';
import { HttpError, webCodes } from '../http/errors.ts';
import { resolveResource } from '../files/resolve.ts';
import { state } from '../state.ts';

export async function Resolve(conn: Conn, request: Request, _cached: CacheResult): Promise<[Conn, Request, Resource]> {
  return [conn, request, await resolveResource(state().root, request.path, request.query)];
}

export function IsRedirect(resource: Resource): boolean {
  return resource.kind === 'redirect';
}

export function FitsInCache(resource: Resource): boolean {
  return resource.kind === 'file' && state().cache.fits(resource.size);
}

/** Reads the whole file; size and mtime come from the open file itself, so they describe the bytes read. */
export async function ReadFile(conn: Conn, request: Request, resource: Resource): Promise<[Conn, Request, LoadedFile]> {
  if (resource.kind !== 'file') throw new HttpError(404, webCodes.NOT_FOUND, 'not a file');
  const handle = await open(resource.path, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new HttpError(404, webCodes.NOT_FOUND, `${resource.path} is not a regular file`, { keepAlive: true });
    const body = await handle.readFile();
    const file: LoadedFile = { path: resource.path, statPath: resource.statPath, size: body.length, mtimeMs: info.mtimeMs, body };
    return [conn, request, file];
  } finally {
    await handle.close();
  }
}

/** Under the `cache` writer lock. Synchronous, so the event runtime can elide the lock. */
export function StoreInCache(conn: Conn, request: Request, file: LoadedFile): [Conn, Request, LoadedFile] {
  state().cache.store(request.path, file);
  return [conn, request, file];
}
