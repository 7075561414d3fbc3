/** Writing responses: from the cache, a redirect, a file read whole, a large file streamed from disk. */

import { open } from 'node:fs/promises';
import { io } from '@flux/runtime/io/index.ts';
import type { Conn, CacheResult, LoadedFile, Request, Resource } from '../types.ts';
import { bodyRange, decide } from '../http/conditional.ts';
import { HttpError, webCodes } from '../http/errors.ts';
import { contentTypeForPath } from '../http/mime.ts';
import { fileHead, prependHead, simpleResponse } from '../http/response.ts';
import { state } from '../state.ts';

/** Chunk size when streaming a file too large to cache. */
export const STREAM_CHUNK = 64 * 1024;

/** Sends a complete response, ending the connection when the request does not keep it alive. */
export function send(conn: Conn, request: Pick<Request, 'keepAlive'>, bytes: Uint8Array): void {
  if (request.keepAlive) io.write(conn, bytes);
  else io.end(conn, bytes);
}

export function SendCached(conn: Conn, request: Request, cached: CacheResult): void {
  if (!cached.hit) throw new Error('SendCached without a cache hit');
  if (cached.response !== null) return send(conn, request, cached.response);
  const head = fileHead(request, cached.decision, cached.stat, contentTypeForPath(request.path));
  send(conn, request, prependHead(head, cached.buffer, cached.headroom, cached.buffer.length - cached.headroom));
}

export function SendRedirect(conn: Conn, request: Request, resource: Resource): void {
  if (resource.kind !== 'redirect') throw new Error('SendRedirect without a redirect');
  const response = simpleResponse({
    status: 301,
    keepAlive: request.keepAlive,
    version: request.version,
    headOnly: request.method === 'HEAD',
    headers: [['Location', resource.location]],
    body: `Moved to ${resource.location}\n`,
  });
  send(conn, request, response);
}

export function SendFile(conn: Conn, request: Request, file: LoadedFile): void {
  const decision = decide(request, file);
  const head = fileHead(request, decision, file, contentTypeForPath(request.path));
  const { start, end } = bodyRange(decision, request, file.size);
  const out = Buffer.allocUnsafeSlow(head.length + end - start);
  out.write(head, 0, 'latin1');
  out.set(file.body.subarray(start, end), head.length);
  send(conn, request, out);
}

/**
 * Streams a file too large to cache, one chunk at a time, waiting for the connection's write window between
 * chunks (`io.drained`, the same on every runtime: memory per slow reader stays bounded wherever this runs).
 * A reader that takes nothing for `--idle-timeout-ms` ends the stream; a connection that goes away ends it too.
 * A failure after the head went out cannot be answered: it is reported as RESPONSE_STARTED (the handler then
 * drops the connection).
 */
export async function StreamFile(conn: Conn, request: Request, resource: Resource): Promise<void> {
  if (resource.kind !== 'file') throw new HttpError(404, webCodes.NOT_FOUND, 'not a file', { keepAlive: true });
  const handle = await open(resource.path, 'r');
  let started = false;
  try {
    const info = await handle.stat();
    const stat = { size: info.size, mtimeMs: info.mtimeMs };
    const decision = decide(request, stat);
    const { start, end } = bodyRange(decision, request, stat.size);
    const head = fileHead(request, decision, stat, contentTypeForPath(request.path));
    if (end === start) {
      send(conn, request, Buffer.from(head, 'latin1'));
      return;
    }
    let room = io.write(conn, Buffer.from(head, 'latin1'));
    started = true;
    const stallMs = state().options.idleTimeoutMs;
    let position = start;
    while (position < end) {
      if (!room && !(await io.drained(conn, stallMs))) {
        if (io.connected(conn)) throw new Error('client stopped reading');
        return; // the client went away: nothing left to send to
      }
      const length = Math.min(STREAM_CHUNK, end - position);
      const chunk = Buffer.allocUnsafeSlow(length);
      const { bytesRead } = await handle.read(chunk, 0, length, position);
      if (bytesRead === 0) throw new Error(`${resource.path} shrank while being sent`);
      room = io.write(conn, bytesRead === length ? chunk : chunk.subarray(0, bytesRead));
      position += bytesRead;
    }
    if (!request.keepAlive) io.end(conn);
  } catch (error) {
    if (!started) throw error;
    throw new HttpError(500, webCodes.RESPONSE_STARTED, `failed after the response head was sent: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle.close();
  }
}

