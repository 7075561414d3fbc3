/**
 * Header-level rules the source needs to frame requests, exported so that a server's own request parser applies
 * the same ones (the source and the parser must agree on whether a connection stays open).
 */

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
