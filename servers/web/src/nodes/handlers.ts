/** The error handlers: every failure on a flow's path ends in exactly one of these, which answers for it. */

import { io } from '@flux/runtime/io/index.ts';
import { codes } from '@flux/runtime/errors.ts';
import type { Conn, Request, CacheResult, Resource } from '../types.ts';
import { HttpError, statusOfFileError, webCodes } from '../http/errors.ts';
import { simpleResponse } from '../http/response.ts';

function isHeadRequest(head: string): boolean {
  return head.startsWith('HEAD ');
}

function answer(conn: Conn, status: number, keepAlive: boolean, headOnly: boolean, headers?: readonly (readonly [string, string])[]): void {
  const bytes = simpleResponse({ status, keepAlive, headOnly, headers });
  if (keepAlive) io.write(conn, bytes);
  else io.end(conn, bytes);
}

/** ReadRequest failed: the head is malformed (400), or asks for something we do not do (405, 431, 505). */
export function BadRequest(error: unknown, conn: Conn, head: string): void {
  if (!(error instanceof HttpError)) return answer(conn, 400, false, isHeadRequest(head));
  const headers = error.status === 405 ? ([['Allow', 'GET, HEAD']] as const) : undefined;
  answer(conn, error.status, error.keepAlive, error.head || isHeadRequest(head), headers);
}

function fileError(error: unknown, conn: Conn, request: Request): void {
  const status = statusOfFileError(error);
  answer(conn, status, request.keepAlive && status < 500, request.method === 'HEAD');
}

/** Resolve failed: no such file, outside the root, not a regular file... */
export function NotFound(error: unknown, conn: Conn, request: Request, _cached: CacheResult): void {
  fileError(error, conn, request);
}

/** ReadFile failed (the file went away or became unreadable since Resolve). */
export function ReadFailed(error: unknown, conn: Conn, request: Request, _resource: Resource): void {
  fileError(error, conn, request);
}

/** StreamFile failed: before the head went out, answer; after, drop the connection (the length was promised). */
export function StreamFailed(error: unknown, conn: Conn, request: Request, _resource: Resource): void {
  if (error instanceof HttpError && error.code === webCodes.RESPONSE_STARTED) {
    io.destroy(conn);
    return;
  }
  fileError(error, conn, request);
}

/** Anything else on the path failed (500), or the runtime refused the flow under overload (503). */
export function ServerError(error: unknown, conn: Conn, head: string): void {
  const overload = (error as { code?: unknown } | null)?.code === codes.OVERLOAD;
  if (overload) answer(conn, 503, false, isHeadRequest(head), [['Retry-After', '1']]);
  else answer(conn, 500, false, isHeadRequest(head));
}
