/**
 * What the source needs to know about a request head to find where the next request starts: the body length
 * (to read and discard it) and whether the connection must close after this request. A quick scan, not a full
 * parse; a malformed head is left for the server's own parser to reject (a flow that then closes the connection),
 * except a Content-Length that cannot be trusted, which the source answers with 400 itself.
 */

import { keepAliveOf } from './headers.ts';

export interface Framing {
  /** Body bytes that follow the head (0 when none, or when the body cannot be framed and the connection closes). */
  readonly bodyLength: number;
  /** The connection must close after this request: `Connection: close`, HTTP/1.0 without keep-alive, a body sent
   * with Transfer-Encoding, or a Content-Length that cannot be trusted. */
  readonly close: boolean;
  /** A Content-Length that is not a number (or conflicting ones): the head is answered 400 and the connection closed. */
  readonly invalid: boolean;
}

export function scanFraming(head: string, maxDiscard: number): Framing {
  let contentLength: string | undefined;
  let invalid = false;
  let connection: string | undefined;
  let transferEncoding: string | undefined;
  let at = head.indexOf('\r\n');
  const line0End = at < 0 ? head.length : at;
  const version = head.slice(Math.max(0, line0End - 3), line0End);
  while (at >= 0) {
    const start = at + 2;
    const end = head.indexOf('\r\n', start);
    const stop = end < 0 ? head.length : end;
    const c = head.charCodeAt(start) | 0x20;
    if (c === 0x63 /* c */ || c === 0x74 /* t */) {
      const colon = head.indexOf(':', start);
      if (colon > 0 && colon < stop) {
        const name = head.slice(start, colon).toLowerCase();
        const value = head.slice(colon + 1, stop).trim();
        if (name === 'content-length') {
          if (contentLength !== undefined && contentLength !== value) invalid = true;
          contentLength = value;
        } else if (name === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
        else if (name === 'transfer-encoding') transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
      }
    }
    at = end;
  }
  let bodyLength = 0;
  if (contentLength !== undefined && transferEncoding === undefined) {
    if (!/^\d+$/.test(contentLength)) invalid = true;
    else bodyLength = Number(contentLength);
  }
  let close = !keepAliveOf(version === '1.0' ? '1.0' : '1.1', connection, transferEncoding) || invalid;
  if (bodyLength > maxDiscard) {
    // Not worth reading just to throw away: answer, then close.
    bodyLength = 0;
    close = true;
  }
  return { bodyLength: invalid ? 0 : bodyLength, close, invalid };
}
