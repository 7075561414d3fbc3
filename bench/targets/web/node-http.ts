/**
 * The baseline a Node user would write: one process, `node:http`, files read with `fs.promises` and kept in the
 * same bounded byte cache the Flux web server uses (`@flux/runtime` ByteCache, CLOCK eviction, bounded in bytes).
 * Serves Content-Type, Content-Length, ETag and Last-Modified, answers If-None-Match with 304.
 *
 *   node bench/targets/web/node-http.ts --root <dir> [--port 0] [--cache-bytes 67108864] [--exit-on-stdin-close]
 *
 * Prints `node-http listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ByteCache } from '@flux/runtime/state/byte-cache.ts';
import { contentTypeFor, etagFor, lastModifiedFor, resolveUrlPath } from './http-file-headers.ts';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: '0' },
    'cache-bytes': { type: 'string', default: String(64 * 1024 * 1024) },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});
if (!values.root) {
  console.error('node-http: --root <dir> is required');
  process.exit(2);
}
const root = values.root;
const cache = ByteCache.create({ capacityBytes: Number(values['cache-bytes']) });

function send(res: ServerResponse, req: IncomingMessage, path: string, body: Uint8Array, mtimeMs: number, size: number): void {
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
    return;
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
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

  const slot = cache.find(path);
  if (slot >= 0) return send(res, req, path, cache.readBody(slot), cache.mtimeMs(slot), cache.size(slot));

  const file = join(root, path);
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail(res, 404, 'not found\n');
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

function shutdown(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (values['exit-on-stdin-close']) process.stdin.on('end', shutdown).resume();

server.listen({ host: '127.0.0.1', port: Number(values.port) }, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : Number(values.port);
  console.log(`node-http listening on http://127.0.0.1:${port}`);
});
