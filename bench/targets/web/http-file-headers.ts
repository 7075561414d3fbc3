/** Response headers shared by the bench's own file-serving targets, so they match what the Flux server sends. */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
};

export function contentTypeFor(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot <= slash) return 'application/octet-stream';
  return CONTENT_TYPES[path.slice(dot).toLowerCase()] ?? 'application/octet-stream';
}

/** A strong validator from the file's size and modification time (the same inputs nginx uses). */
export function etagFor(size: number, mtimeMs: number): string {
  return `"${Math.floor(mtimeMs / 1000).toString(16)}-${size.toString(16)}"`;
}

export function lastModifiedFor(mtimeMs: number): string {
  return new Date(mtimeMs).toUTCString();
}

/**
 * Whether `url` is already its own normalised path: it starts with a slash, has no query, no escape, no NUL, no
 * empty segment and no segment starting with a dot, and does not end with a slash (unless it is `/`). What
 * resolveUrlPath would make of such a path is the path itself, so the common request skips its work.
 */
function isPlainPath(url: string): boolean {
  const length = url.length;
  if (length === 0 || url.charCodeAt(0) !== 0x2f) return false;
  if (length > 1 && url.charCodeAt(length - 1) === 0x2f) return false;
  for (let i = 0; i < length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x25 || c === 0x3f || c === 0) return false; // % ? NUL
    if (c === 0x2f && i + 1 < length) {
      const after = url.charCodeAt(i + 1);
      if (after === 0x2f || after === 0x2e) return false; // // /.
    }
  }
  return true;
}

/**
 * The file a URL path names under the root, or undefined when the path is malformed or leaves the root.
 * Returns the normalised URL path (the cache key) too.
 */
export function resolveUrlPath(url: string): string | undefined {
  if (isPlainPath(url)) return url;
  const query = url.indexOf('?');
  const raw = query >= 0 ? url.slice(0, query) : url;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0')) return undefined;
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return undefined;
    segments.push(segment);
  }
  return '/' + segments.join('/');
}

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  304: 'Not Modified',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  505: 'HTTP Version Not Supported',
};

let dateSecond = -1;
let dateValue = '';

/** The `Date` value for now, formatted at most once a second (as node:http and the Flux server do). */
export function httpDate(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(second * 1000).toUTCString();
  }
  return dateValue;
}

/** What a 200 for a file says about it; the Flux web server sends the same fields (Server and Date apart). */
export interface FileHeaders {
  readonly contentType: string;
  readonly contentLength: number;
  readonly etag: string;
  readonly lastModified: string;
}

export function fileHeadersFor(path: string, size: number, mtimeMs: number): FileHeaders {
  return { contentType: contentTypeFor(path), contentLength: size, etag: etagFor(size, mtimeMs), lastModified: lastModifiedFor(mtimeMs) };
}

/**
 * The header lines of a 200 after Server and Date, CRLF-terminated, in the Flux server's order: Last-Modified,
 * ETag, Content-Type, Content-Length, Accept-Ranges (it answers ranges; these servers do not, but send the same
 * bytes so that MB/s compare like with like).
 */
export function fileHeaderLines(headers: FileHeaders): string {
  return `Last-Modified: ${headers.lastModified}\r\nETag: ${headers.etag}\r\nContent-Type: ${headers.contentType}\r\n` +
    `Content-Length: ${headers.contentLength}\r\nAccept-Ranges: bytes\r\n`;
}

/** The same fields as a flat [name, value, ...] list for node:http's writeHead (its fastest form). */
export function fileHeaderList(server: string, headers: FileHeaders): string[] {
  return [
    'Server', server,
    'Last-Modified', headers.lastModified,
    'ETag', headers.etag,
    'Content-Type', headers.contentType,
    'Content-Length', String(headers.contentLength),
    'Accept-Ranges', 'bytes',
  ];
}

/** The body of an error response, as the Flux server words it: `404 Not Found\n`. */
export function errorBody(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? 'Error'}\n`;
}
