/**
 * The request head parser of the raw node:net baseline (raw-net.ts): only what an honest HTTP/1.1 file server
 * needs to read. The request line, and of the header fields Connection (keep-alive), If-None-Match (304),
 * Content-Length and Transfer-Encoding (to skip a body, or close when it cannot be framed). Anything malformed
 * is a 400, an HTTP version other than 1.0 and 1.1 a 505; both close the connection.
 */

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly version: '1.0' | '1.1';
  /** HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`; never with a body it cannot frame. */
  readonly keepAlive: boolean;
  readonly ifNoneMatch?: string;
  /** Body bytes that follow the head (to be skipped). */
  readonly contentLength: number;
}

export type HeadResult = { readonly ok: true; readonly head: RequestHead } | { readonly ok: false; readonly status: 400 | 505 };

const BAD: HeadResult = { ok: false, status: 400 };
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function hasToken(list: string, token: string): boolean {
  return list.split(',').some((part) => part.trim().toLowerCase() === token);
}

/** Parses a head, given as latin1 text without its final CRLFCRLF. */
export function parseRequestHead(text: string): HeadResult {
  const lines = text.split('\r\n');
  const requestLine = lines[0].split(' ');
  if (requestLine.length !== 3) return BAD;
  const [method, target, protocol] = requestLine;
  if (!TOKEN.test(method) || target === '' || /[\x00-\x20\x7f]/.test(target)) return BAD;
  if (!/^HTTP\/\d\.\d$/.test(protocol)) return BAD;
  if (protocol !== 'HTTP/1.1' && protocol !== 'HTTP/1.0') return { ok: false, status: 505 };
  const version = protocol === 'HTTP/1.1' ? '1.1' : '1.0';

  let connection = '';
  let ifNoneMatch: string | undefined;
  let contentLength: number | undefined;
  let chunked = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    // No obsolete line folding, no space before the colon (RFC 9112, 5.1 and 5.2).
    if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) return BAD;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    switch (name) {
      case 'connection':
        connection += `,${value}`;
        break;
      case 'if-none-match':
        ifNoneMatch = value;
        break;
      case 'content-length': {
        if (!/^\d{1,15}$/.test(value)) return BAD;
        const length = Number(value);
        if (contentLength !== undefined && contentLength !== length) return BAD;
        contentLength = length;
        break;
      }
      case 'transfer-encoding':
        chunked = true;
        break;
    }
  }
  // A body in a framing this server does not parse: answer, then close rather than misread what follows.
  if (chunked && contentLength !== undefined) return BAD;
  const keepAlive = !chunked && (version === '1.1' ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive'));
  return {
    ok: true,
    head: { method, target, version, keepAlive, ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}), contentLength: contentLength ?? 0 },
  };
}
