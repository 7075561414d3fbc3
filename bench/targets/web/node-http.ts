/**
 * The baseline a Node user would write: one process, `node:http`, files read with `fs.promises` and kept in the
 * same bounded byte cache the Flux web server uses (`@flux/runtime` ByteCache, CLOCK eviction, bounded in bytes),
 * with the same policy: files over --max-file-bytes are streamed from disk and never cached, and a hit on an
 * entry older than --revalidate-ms stats the file again (a changed file is a miss).
 * Serves Content-Type, Content-Length, ETag and Last-Modified, answers If-None-Match with 304.
 *
 *   node bench/targets/web/node-http.ts --root <dir> [--port 0] [--cache-bytes N] [--max-file-bytes N]
 *     [--revalidate-ms N] [--exit-on-stdin-close]
 *
 * Prints `node-http listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ByteCache } from '@flux/runtime/state/byte-cache.ts';
import { contentTypeFor, etagFor, lastModifiedFor, resolveUrlPath } from './http-file-headers.ts';
import { serveTarget } from '../serve-target.ts';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: '0' },
    'cache-bytes': { type: 'string', default: String(64 * 1024 * 1024) },
    'max-file-bytes': { type: 'string', default: String(1024 * 1024) },
    'revalidate-ms': { type: 'string', default: '1000' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});
if (!values.root) {
  console.error('node-http: --root <dir> is required');
  process.exit(2);
}
const root = values.root;
const capacityBytes = Number(values['cache-bytes']);
const cache = ByteCache.create({ capacityBytes, maxEntryBytes: Math.max(1, Math.min(Number(values['max-file-bytes']), capacityBytes)) });
const revalidateMs = Number(values['revalidate-ms']);

/** Sends the head; returns whether a body should follow. */
function sendHead(res: ServerResponse, req: IncomingMessage, path: string, mtimeMs: number, size: number): boolean {
  const etag = etagFor(size, mtimeMs);
  const headers = {
    'Content-Type': contentTypeFor(path),
    'Content-Length': String(size),
    ETag: etag,
    'Last-Modified': lastModifiedFor(mtimeMs),
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag, 'Last-Modified': headers['Last-Modified'] });
    res.end();
    return false;
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return false;
  }
  return true;
}

function send(res: ServerResponse, req: IncomingMessage, path: string, body: Uint8Array, mtimeMs: number, size: number): void {
  if (sendHead(res, req, path, mtimeMs, size)) res.end(body);
}

function fail(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(message)) });
  res.end(message);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return fail(res, 405, 'method not allowed\n');
  }
  const path = resolveUrlPath(req.url ?? '/');
  if (path === undefined) return fail(res, 400, 'bad request\n');

  const file = join(root, path);
  const slot = cache.find(path);
  if (slot >= 0) {
    const now = Date.now();
    let fresh = now - cache.checkedAt(slot) < revalidateMs;
    if (!fresh) {
      const current = await stat(file).catch(() => undefined);
      // The slot may have been evicted or reused while we waited: look it up again.
      const again = cache.find(path);
      fresh = current !== undefined && again === slot && current.isFile() && current.size === cache.size(slot) && current.mtimeMs === cache.mtimeMs(slot);
      if (fresh) cache.markChecked(slot, now);
    }
    if (fresh) return send(res, req, path, cache.readBody(slot), cache.mtimeMs(slot), cache.size(slot));
  }

  try {
    const info = await stat(file);
    if (!info.isFile()) return fail(res, 404, 'not found\n');
    if (info.size > cache.maxEntryBytes) {
      if (sendHead(res, req, path, info.mtimeMs, info.size)) createReadStream(file).on('error', () => res.destroy()).pipe(res);
      return;
    }
    const body = await readFile(file);
    cache.store(path, { tag: file, mtimeMs: info.mtimeMs, size: body.length }, body);
    send(res, req, path, body, info.mtimeMs, body.length);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return fail(res, 404, 'not found\n');
    fail(res, 500, 'internal error\n');
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) fail(res, 500, 'internal error\n');
    else res.destroy();
  });
});

serveTarget(server, 'node-http', { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
