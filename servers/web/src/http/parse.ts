/**
 * Parsing a request head: the bytes before the blank line, as a latin1 string (one char per byte), without
 * the final CRLFCRLF. Strict where leniency is dangerous (obs-fold, bare CR or LF, spaces before the colon,
 * duplicate Host or Content-Length) and RFC 9112's way elsewhere.
 */

import type { Method, Request } from '../types.ts';
import { HttpError, badRequest, webCodes } from './errors.ts';
import { keepAliveOf } from '@flux/runtime/http/headers.ts';
import { isToken, TOKEN_CHAR } from './headers.ts';
import { normalizePath, percentDecode, splitTarget } from './target.ts';

export const MAX_HEADER_FIELDS = 100;

function isDigit(s: string, at: number): boolean {
  const c = s.charCodeAt(at);
  return c >= 0x30 && c <= 0x39;
}

/** The request line's parts; throws 400 / 505. */
export function parseRequestLine(line: string): { method: string; target: string; version: '1.0' | '1.1' } {
  const first = line.indexOf(' ');
  const second = first < 0 ? -1 : line.indexOf(' ', first + 1);
  if (first <= 0 || second < 0 || line.indexOf(' ', second + 1) >= 0) throw badRequest('malformed request line');
  const method = line.slice(0, first);
  const target = line.slice(first + 1, second);
  const protocol = line.slice(second + 1);
  if (!isToken(method) || target === '') throw badRequest('malformed request line');
  if (protocol.length !== 8 || !protocol.startsWith('HTTP/') || protocol[6] !== '.' || !isDigit(protocol, 5) || !isDigit(protocol, 7)) {
    throw badRequest(`malformed HTTP version ${JSON.stringify(protocol.slice(0, 16))}`);
  }
  if (protocol[5] !== '1') {
    throw new HttpError(505, webCodes.VERSION_NOT_SUPPORTED, `HTTP version ${protocol[5]}.${protocol[7]} is not supported`);
  }
  // RFC 9110 2.5: a 1.x minor version we do not know is handled as the highest we do.
  return { method, target, version: protocol[7] === '0' ? '1.0' : '1.1' };
}

/**
 * The prototype of every parsed header record: an empty object with no prototype of its own, so a field named
 * `constructor` or `__proto__` is an ordinary field, while the record stays a fast-properties object (an
 * `Object.create(null)` record is a dictionary, and adding each field costs several times more).
 */
const NO_INHERITED_FIELDS: object = Object.freeze(Object.create(null));

/**
 * Header fields by lower-case name, from the lines of `head` that start at `from` (each ends at CRLF or at the
 * end of `head`); throws 400 for anything malformed. One pass over the characters, no regular expressions: this
 * runs on every request.
 */
export function parseHeaderFields(head: string, from: number): Record<string, string> {
  const headers: Record<string, string> = Object.create(NO_INHERITED_FIELDS);
  let count = 0;
  let start = from;
  const length = head.length;
  while (start < length) {
    let end = head.indexOf('\r\n', start);
    if (end < 0) end = length;
    if (++count > MAX_HEADER_FIELDS) {
      throw new HttpError(431, webCodes.HEADERS_TOO_LARGE, `more than ${MAX_HEADER_FIELDS} header fields`);
    }
    const first = head.charCodeAt(start);
    if (first === 0x20 || first === 0x09) throw badRequest('obsolete line folding');
    let colon = start;
    while (colon < end) {
      const c = head.charCodeAt(colon);
      if (c === 0x3a) break;
      if (c >= 128 || TOKEN_CHAR[c] === 0) throw c === 0x0d || c === 0x0a ? bareLineBreak() : badRequest('malformed header field name');
      colon++;
    }
    if (colon === start || colon === end) throw badRequest('malformed header field');
    let valueStart = colon + 1;
    let valueEnd = end;
    while (valueStart < valueEnd && (head.charCodeAt(valueStart) === 0x20 || head.charCodeAt(valueStart) === 0x09)) valueStart++;
    while (valueEnd > valueStart && (head.charCodeAt(valueEnd - 1) === 0x20 || head.charCodeAt(valueEnd - 1) === 0x09)) valueEnd--;
    for (let j = valueStart; j < valueEnd; j++) {
      const c = head.charCodeAt(j);
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) throw c === 0x0d || c === 0x0a ? bareLineBreak() : badRequest('control character in header field value');
    }
    const key = head.slice(start, colon).toLowerCase();
    const value = head.slice(valueStart, valueEnd);
    const previous = headers[key];
    if (previous === undefined) headers[key] = value;
    else if (key === 'host') throw badRequest('more than one Host header field');
    else if (key === 'content-length') {
      if (previous !== value) throw badRequest('conflicting Content-Length header fields');
    } else headers[key] = `${previous}, ${value}`;
    start = end + 2;
  }
  return headers;
}

function bareLineBreak(): HttpError {
  return badRequest('bare CR or LF in request head');
}

/** Parses and validates a request head; throws an HttpError (400, 405, 431, 505) for anything we will not serve. */
export function parseRequestHead(head: string): Request {
  let lineEnd = head.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = head.length;
  const line = head.slice(0, lineEnd);
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x0d || c === 0x0a) throw bareLineBreak();
  }
  const { method, target, version } = parseRequestLine(line);
  const headers = parseHeaderFields(head, lineEnd + 2);
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
