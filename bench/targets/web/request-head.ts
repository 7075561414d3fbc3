/**
 * The request head parser of the raw node:net baseline (raw-net.ts): only what an honest HTTP/1.1 file server
 * needs to read. The request line, and of the header fields Connection (keep-alive), If-None-Match (304),
 * Content-Length and Transfer-Encoding (to skip a body, or close when it cannot be framed). Anything malformed
 * is a 400, an HTTP version other than 1.0 and 1.1 a 505; both close the connection.
 *
 * Written for speed, as a hand-written server would be: one pass of indexOf and character-code checks over the
 * head, no split, no regular expression on the way of an ordinary request.
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
const UNSUPPORTED_VERSION: HeadResult = { ok: false, status: 505 };

/** tchar of RFC 9110, 5.6.2, by character code. */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN_CHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN_CHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN_CHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN_CHAR[c] = 1;

function isToken(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHAR[c] === 0) return false;
  }
  return true;
}

/** A request target without controls, spaces or DEL. */
function isTarget(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hasToken(list: string, token: string): boolean {
  return list.split(',').some((part) => part.trim().toLowerCase() === token);
}

/** Whether the field name at [from, from + name.length) is `name` (lower case), ignoring case. */
function nameIs(text: string, from: number, length: number, name: string): boolean {
  return length === name.length && text.slice(from, from + length).toLowerCase() === name;
}

/** Parses a head, given as latin1 text without its final CRLFCRLF. */
export function parseRequestHead(text: string): HeadResult {
  const length = text.length;
  const lineEnd = text.indexOf('\r\n');
  const requestEnd = lineEnd < 0 ? length : lineEnd;
  // The request line: exactly three parts, each separated by one space.
  const space1 = text.indexOf(' ');
  if (space1 < 0 || space1 >= requestEnd) return BAD;
  const space2 = text.indexOf(' ', space1 + 1);
  if (space2 < 0 || space2 >= requestEnd) return BAD;
  const space3 = text.indexOf(' ', space2 + 1);
  if (space3 >= 0 && space3 < requestEnd) return BAD;
  if (!isToken(text, 0, space1) || !isTarget(text, space1 + 1, space2)) return BAD;
  // HTTP/<digit>.<digit>
  if (requestEnd - space2 - 1 !== 8 || !text.startsWith('HTTP/', space2 + 1) || !isDigit(text.charCodeAt(space2 + 6)) ||
    text.charCodeAt(space2 + 7) !== 0x2e || !isDigit(text.charCodeAt(space2 + 8))) return BAD;
  const major = text.charCodeAt(space2 + 6);
  const minor = text.charCodeAt(space2 + 8);
  if (major !== 0x31 || (minor !== 0x30 && minor !== 0x31)) return UNSUPPORTED_VERSION;
  const version = minor === 0x31 ? '1.1' : '1.0';

  let connection: string | undefined;
  let ifNoneMatch: string | undefined;
  let contentLength: number | undefined;
  let chunked = false;
  // Each header line, the last one ending at the end of the text.
  for (let from = lineEnd < 0 ? -1 : lineEnd + 2; from >= 0;) {
    let to = text.indexOf('\r\n', from);
    const next = to < 0 ? -1 : to + 2;
    if (to < 0) to = length;
    const colon = text.indexOf(':', from);
    // No obsolete line folding, no space before the colon (RFC 9112, 5.1 and 5.2).
    if (colon < 0 || colon >= to || !isToken(text, from, colon)) return BAD;
    const nameLength = colon - from;
    // Only four names matter; their lengths (10, 13, 14, 17) rule out most others without a lower-cased copy.
    if (nameLength === 10 || nameLength === 13 || nameLength === 14 || nameLength === 17) {
      if (nameIs(text, from, nameLength, 'connection')) {
        connection = connection === undefined ? text.slice(colon + 1, to) : `${connection},${text.slice(colon + 1, to)}`;
      } else if (nameIs(text, from, nameLength, 'if-none-match')) {
        ifNoneMatch = text.slice(colon + 1, to).trim();
      } else if (nameIs(text, from, nameLength, 'content-length')) {
        const value = text.slice(colon + 1, to).trim();
        if (value.length === 0 || value.length > 15) return BAD;
        for (let i = 0; i < value.length; i++) if (!isDigit(value.charCodeAt(i))) return BAD;
        const n = Number(value);
        if (contentLength !== undefined && contentLength !== n) return BAD;
        contentLength = n;
      } else if (nameIs(text, from, nameLength, 'transfer-encoding')) {
        chunked = true;
      }
    }
    from = next;
  }
  // A body in a framing this server does not parse: answer, then close rather than misread what follows.
  if (chunked && contentLength !== undefined) return BAD;
  const keepAlive = !chunked && (version === '1.1'
    ? connection === undefined || !hasToken(connection, 'close')
    : connection !== undefined && hasToken(connection, 'keep-alive'));
  const method = text.slice(0, space1);
  const target = text.slice(space1 + 1, space2);
  const bodyLength = contentLength ?? 0;
  const head: RequestHead = ifNoneMatch === undefined
    ? { method, target, version, keepAlive, contentLength: bodyLength }
    : { method, target, version, keepAlive, ifNoneMatch, contentLength: bodyLength };
  return { ok: true, head };
}
