/**
 * Request target -> file path, safely. The target is percent-decoded exactly once, must be valid UTF-8, and may
 * not contain NUL, other control characters or backslashes; then '.' and '..' segments are resolved lexically
 * and a '..' that would climb above the root is an error. What comes out can be joined to the root directory
 * without ever leaving it lexically (symlinks are checked later, with realpath).
 */

import { badRequest } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Splits an origin-form or absolute-form target into its raw path and its query ('' or starting with '?'). */
export function splitTarget(target: string): { rawPath: string; query: string } {
  let rest = target;
  if (rest[0] !== '/') {
    // absolute-form: scheme "://" authority path
    const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
    if (match === null) throw badRequest(`request target must start with '/': ${JSON.stringify(target.slice(0, 64))}`);
    rest = rest.slice(match[0].length);
    if (rest === '' || rest[0] === '?') rest = '/' + rest;
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return q < 0 ? { rawPath: rest, query: '' } : { rawPath: rest.slice(0, q), query: rest.slice(q) };
}

/** Percent-decodes a raw path (a latin1 string of the bytes sent) into a Unicode string. */
export function percentDecode(rawPath: string): string {
  let plain = true;
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c === 0x25 || c >= 0x80) { plain = false; break; }
    if (c <= 0x20 || c === 0x7f) throw badRequest('request target contains a control character or space');
  }
  if (plain) return rawPath;
  const bytes = new Uint8Array(rawPath.length);
  let n = 0;
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c === 0x25) {
      const hi = hexValue(rawPath.charCodeAt(i + 1));
      const lo = hexValue(rawPath.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) throw badRequest('malformed percent-encoding in request target');
      bytes[n++] = hi * 16 + lo;
      i += 2;
    } else {
      if (c <= 0x20 || c === 0x7f || c > 0xff) throw badRequest('request target contains a control character or space');
      bytes[n++] = c;
    }
  }
  try {
    return utf8.decode(bytes.subarray(0, n));
  } catch {
    throw badRequest('request target is not valid UTF-8 once decoded');
  }
}

/** The normalised absolute path for a decoded path: see the module comment. */
export function normalizePath(decoded: string): string {
  if (decoded[0] !== '/') throw badRequest('request path must start with /');
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw badRequest('request path contains a control character');
    if (c === 0x5c) throw badRequest('request path contains a backslash');
  }
  // Fast path: nothing to normalise.
  if (!decoded.includes('//') && !decoded.includes('/.')) return decoded;
  const out: string[] = [];
  const parts = decoded.split('/');
  let trailing = false;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    if (part === '' || part === '.') {
      if (last) trailing = true;
      continue;
    }
    if (part === '..') {
      if (out.length === 0) throw badRequest('request path climbs above the root');
      out.pop();
      if (last) trailing = true;
      continue;
    }
    out.push(part);
  }
  if (out.length === 0) return '/';
  return '/' + out.join('/') + (trailing ? '/' : '');
}

/** Percent-encodes a normalised path for a Location header (every segment encoded, '/' kept). */
export function encodePath(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}
