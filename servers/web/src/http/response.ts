/** Response heads, as latin1 strings, and the small complete responses (errors, redirects). */

import { httpDate } from '@flux/runtime/http/date.ts';
import { connectionHeader, simpleResponse as runtimeSimpleResponse, STATUS_TEXT } from '@flux/runtime/http/response.ts';
import type { SimpleResponse as RuntimeSimpleResponse } from '@flux/runtime/http/response.ts';
import type { Decision, FileStat, Request } from '../types.ts';
import { etagOf, lastModifiedOf } from './conditional.ts';

/** The `Server` header of every response, the HTTP source's own (400, 408, 414, 431, 503) included. */
export const SERVER = 'flux-web';

/** The head of a response to a file request (200, 206, 304, 416). */
export function fileHead(request: Request, decision: Decision, stat: FileStat, contentType: string, nowMs?: number): string {
  const status = decision.status;
  let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nServer: ${SERVER}\r\nDate: ${httpDate(nowMs)}\r\n` +
    `Last-Modified: ${lastModifiedOf(stat)}\r\nETag: ${etagOf(stat)}\r\n` + connectionHeader(request.version, request.keepAlive);
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

export type SimpleResponse = Omit<RuntimeSimpleResponse, 'server'>;

/** A complete small response (error pages, redirects) as bytes of its own, from this server. */
export function simpleResponse(response: SimpleResponse): Uint8Array {
  return runtimeSimpleResponse({ ...response, server: SERVER });
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
