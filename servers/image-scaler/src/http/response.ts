/** Builds HTTP/1.1 responses as single byte buffers (one `io.write` each). */

import type { ErrorAnswer } from '../errors.ts';
import type { HttpRequest } from './request.ts';

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK', 304: 'Not Modified', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

let dateSecond = -1;
let dateText = '';

/** The Date header, formatted at most once a second per thread. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

export interface ResponseParts {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  /** Sent unless the request is HEAD or the status has no body. */
  readonly body: Uint8Array;
}

export function encodeResponse(request: HttpRequest, parts: ResponseParts): Uint8Array {
  const withBody = request.method !== 'HEAD' && parts.status !== 304;
  let head = `HTTP/1.1 ${parts.status} ${REASONS[parts.status] ?? 'Unknown'}\r\nDate: ${httpDate()}\r\n`;
  for (const [name, value] of parts.headers) head += `${name}: ${value}\r\n`;
  if (parts.status !== 304) head += `Content-Length: ${parts.body.length}\r\n`;
  if (!request.keepAlive) head += 'Connection: close\r\n';
  head += '\r\n';
  const headLength = Buffer.byteLength(head, 'latin1');
  const out = Buffer.allocUnsafe(headLength + (withBody ? parts.body.length : 0));
  out.write(head, 0, 'latin1');
  if (withBody) out.set(parts.body, headLength);
  return out;
}

export interface ImageReply {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly etag: string;
}

/**
 * Complete 200 responses to GETs of images, by image object (the cache hands out one object per hot key and
 * thread), keep-alive or not, rebuilt once a second for the Date header. A WeakMap: an image the cache drops
 * takes its responses with it. Responses are never changed after they are built.
 */
interface ReadyResponses {
  second: number;
  keepAlive: Uint8Array | undefined;
  close: Uint8Array | undefined;
}
const ready = new WeakMap<ImageReply, ReadyResponses>();

/** 200 with the image, or 304 when the client's If-None-Match names this ETag. */
export function imageResponse(request: HttpRequest, image: ImageReply, cacheControl: string): Uint8Array {
  const headers: [string, string][] = [['ETag', image.etag], ['Cache-Control', cacheControl]];
  if (request.ifNoneMatch !== null && etagMatches(request.ifNoneMatch, image.etag)) {
    return encodeResponse(request, { status: 304, headers, body: new Uint8Array(0) });
  }
  const memoised = request.method === 'GET';
  const second = Math.floor(Date.now() / 1000);
  let entry = memoised ? ready.get(image) : undefined;
  if (entry !== undefined && entry.second === second) {
    const response = request.keepAlive ? entry.keepAlive : entry.close;
    if (response !== undefined) return response;
  }
  headers.unshift(['Content-Type', image.contentType]);
  const response = encodeResponse(request, { status: 200, headers, body: image.bytes });
  if (memoised) {
    if (entry === undefined || entry.second !== second) {
      entry = { second, keepAlive: undefined, close: undefined };
      ready.set(image, entry);
    }
    if (request.keepAlive) entry.keepAlive = response;
    else entry.close = response;
  }
  return response;
}

export function jsonResponse(request: HttpRequest, status: number, value: unknown): Uint8Array {
  const body = Buffer.from(JSON.stringify(value));
  return encodeResponse(request, {
    status,
    headers: [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-store']],
    body,
  });
}

export function errorResponse(request: HttpRequest, answer: ErrorAnswer): Uint8Array {
  const extra: [string, string][] = answer.status === 405 ? [['Allow', 'GET, HEAD']] : [];
  const body = Buffer.from(JSON.stringify({ error: answer.code, message: answer.message }));
  return encodeResponse(request, {
    status: answer.status,
    headers: [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-store'], ...extra],
    body,
  });
}

/** If-None-Match: `*` or a list of (possibly weak) entity tags, compared weakly as RFC 9110 asks. */
export function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}
