/**
 * Token rules of ReadRequest's full parse. Whether a connection stays open is the runtime's `keepAliveOf`
 * (@flux/runtime/http/headers.ts), shared with the HTTP source's framing so that both always agree.
 */

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
