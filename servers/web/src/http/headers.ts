/** Header-level rules shared by the source (framing) and ReadRequest (full parse), so both always agree. */

/** Whether `list` (a comma-separated header value) contains `token`, case-insensitively. */
export function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  for (const part of list.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/** Whether the connection may carry another request after this one (RFC 9112 section 9.3). */
export function keepAliveOf(version: string, connection: string | undefined, transferEncoding: string | undefined): boolean {
  // A request body we do not parse (chunked or any other coding) cannot be skipped reliably: close after it.
  if (transferEncoding !== undefined) return false;
  if (hasToken(connection, 'close')) return false;
  if (version === '1.0') return hasToken(connection, 'keep-alive');
  return true;
}

/** Token characters (RFC 9110 5.6.2) by char code. */
export const TOKEN_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TOKEN_CHAR[c.charCodeAt(0)] = 1;

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHAR[c] === 0) return false;
  }
  return true;
}
