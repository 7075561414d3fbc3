/** Response heads, as latin1 strings, and the small complete responses (errors, redirects). */

import type { Decision, FileStat, Request } from '../types.ts';
import { etagOf, lastModifiedOf } from './conditional.ts';
import { httpDate } from './date.ts';

export const SERVER = 'flux-web';

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  206: 'Partial Content',
  301: 'Moved Permanently',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  414: 'URI Too Long',
  416: 'Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

function connectionHeader(request: Pick<Request, 'version' | 'keepAlive'>): string {
  if (!request.keepAlive) return 'Connection: close\r\n';
  return request.version === '1.0' ? 'Connection: keep-alive\r\n' : '';
}

/** The head of a response to a file request (200, 206, 304, 416). */
export function fileHead(request: Request, decision: Decision, stat: FileStat, contentType: string, nowMs?: number): string {
  const status = decision.status;
  let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nServer: ${SERVER}\r\nDate: ${httpDate(nowMs)}\r\n` +
    `Last-Modified: ${lastModifiedOf(stat)}\r\nETag: ${etagOf(stat)}\r\n` + connectionHeader(request);
  switch (status) {
    case 200:
      head += `Content-Type: ${contentType}\r\nContent-Length: ${stat.size}\r\nAccept-Ranges: bytes\r\n`;
      break;
    case 206:
      head += `Content-Type: ${contentType}\r\nContent-Length: ${decision.end - decision.start + 1}\r\n` +
        `Content-Range: bytes ${decision.start}-${decision.end}/${stat.size}\r\nAccept-Ranges: bytes\r\n`;
      break;
    case 416:
      head += `Content-Range: bytes */${stat.size}\r\nContent-Length: 0\r\n`;
      break;
    case 304:
      break;
  }
  return head + '\r\n';
}

export interface SimpleResponse {
  readonly status: number;
  readonly keepAlive: boolean;
  /** HEAD request: send the head only (Content-Length still says what GET would send). */
  readonly headOnly?: boolean;
  readonly version?: '1.0' | '1.1';
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
}

/** A complete small response (error pages, redirects) as bytes of its own. */
export function simpleResponse(response: SimpleResponse): Uint8Array {
  const status = response.status;
  const text = STATUS_TEXT[status] ?? 'Unknown';
  const body = response.body ?? `${status} ${text}\n`;
  let head = `HTTP/1.1 ${status} ${text}\r\nServer: ${SERVER}\r\nDate: ${httpDate()}\r\n` +
    connectionHeader({ version: response.version ?? '1.1', keepAlive: response.keepAlive });
  for (const [name, value] of response.headers ?? []) head += `${name}: ${value}\r\n`;
  head += `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const out = Buffer.allocUnsafeSlow(Buffer.byteLength(head, 'latin1') + (response.headOnly ? 0 : Buffer.byteLength(body)));
  const n = out.write(head, 0, 'latin1');
  if (!response.headOnly) out.write(body, n, 'utf8');
  return out;
}

/**
 * Writes `head` just in front of the body that sits at `headroom` in `buffer`, and returns the view holding the
 * whole response; when the head does not fit, returns a new buffer with both.
 */
export function prependHead(head: string, buffer: Uint8Array, headroom: number, bodyLength: number): Uint8Array {
  const headLength = head.length; // latin1: one byte per char
  if (headLength <= headroom) {
    const start = headroom - headLength;
    Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).write(head, start, 'latin1');
    return buffer.subarray(start, headroom + bodyLength);
  }
  const out = Buffer.allocUnsafeSlow(headLength + bodyLength);
  out.write(head, 0, 'latin1');
  out.set(buffer.subarray(headroom, headroom + bodyLength), headLength);
  return out;
}
