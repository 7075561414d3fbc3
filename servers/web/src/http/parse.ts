/**
 * Parsing a request head: the bytes before the blank line, as a latin1 string (one char per byte), without
 * the final CRLFCRLF. Strict where leniency is dangerous (obs-fold, bare CR or LF, spaces before the colon,
 * duplicate Host or Content-Length) and RFC 9112's way elsewhere.
 */

import type { Method, Request } from '../types.ts';
import { HttpError, badRequest, webCodes } from './errors.ts';
import { isToken, keepAliveOf } from './headers.ts';
import { normalizePath, percentDecode, splitTarget } from './target.ts';

export const MAX_HEADER_FIELDS = 100;

/** The request line's parts; throws 400 / 505. */
export function parseRequestLine(line: string): { method: string; target: string; version: '1.0' | '1.1' } {
  const first = line.indexOf(' ');
  const second = first < 0 ? -1 : line.indexOf(' ', first + 1);
  if (first <= 0 || second < 0 || line.indexOf(' ', second + 1) >= 0) throw badRequest('malformed request line');
  const method = line.slice(0, first);
  const target = line.slice(first + 1, second);
  const protocol = line.slice(second + 1);
  if (!isToken(method) || target === '') throw badRequest('malformed request line');
  const match = /^HTTP\/(\d)\.(\d)$/.exec(protocol);
  if (match === null) throw badRequest(`malformed HTTP version ${JSON.stringify(protocol.slice(0, 16))}`);
  if (match[1] !== '1') {
    throw new HttpError(505, webCodes.VERSION_NOT_SUPPORTED, `HTTP version ${match[1]}.${match[2]} is not supported`);
  }
  // RFC 9110 2.5: a 1.x minor version we do not know is handled as the highest we do.
  return { method, target, version: match[2] === '0' ? '1.0' : '1.1' };
}

/** Header fields by lower-case name; throws 400 for anything malformed. */
export function parseHeaderFields(lines: readonly string[], from: number): Record<string, string> {
  if (lines.length - from > MAX_HEADER_FIELDS) {
    throw new HttpError(431, webCodes.HEADERS_TOO_LARGE, `more than ${MAX_HEADER_FIELDS} header fields`);
  }
  const headers: Record<string, string> = Object.create(null);
  for (let i = from; i < lines.length; i++) {
    const line = lines[i];
    if (line[0] === ' ' || line[0] === '\t') throw badRequest('obsolete line folding');
    const colon = line.indexOf(':');
    if (colon <= 0) throw badRequest('malformed header field');
    const name = line.slice(0, colon);
    if (!isToken(name)) throw badRequest('malformed header field name');
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    for (let j = 0; j < value.length; j++) {
      const c = value.charCodeAt(j);
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) throw badRequest('control character in header field value');
    }
    const key = name.toLowerCase();
    const previous = headers[key];
    if (previous === undefined) headers[key] = value;
    else if (key === 'host') throw badRequest('more than one Host header field');
    else if (key === 'content-length') {
      if (previous !== value) throw badRequest('conflicting Content-Length header fields');
    } else headers[key] = `${previous}, ${value}`;
  }
  return headers;
}

/** Parses and validates a request head; throws an HttpError (400, 405, 431, 505) for anything we will not serve. */
export function parseRequestHead(head: string): Request {
  const lines = head.split('\r\n');
  for (const line of lines) {
    if (line.includes('\r') || line.includes('\n')) throw badRequest('bare CR or LF in request head');
  }
  const { method, target, version } = parseRequestLine(lines[0]);
  const headers = parseHeaderFields(lines, 1);
  if (version === '1.1' && headers.host === undefined) throw badRequest('HTTP/1.1 request without Host');
  const keepAlive = keepAliveOf(version, headers.connection, headers['transfer-encoding']);
  if (method !== 'GET' && method !== 'HEAD') {
    throw new HttpError(405, webCodes.METHOD_NOT_ALLOWED, `method ${method} is not allowed`, { keepAlive });
  }
  const isHead = method === 'HEAD';
  let path: string;
  let query: string;
  try {
    const split = splitTarget(target);
    query = split.query;
    path = normalizePath(percentDecode(split.rawPath));
  } catch (error) {
    if (error instanceof HttpError) throw new HttpError(error.status, error.code, error.message, { head: isHead });
    throw error;
  }
  return { method: method as Method, target, path, query, version, keepAlive, headers };
}
