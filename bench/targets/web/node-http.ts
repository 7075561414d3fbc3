/**
 * The baseline a Node user would write: one process, `node:http`, files read with `fs.promises` and kept in an
 * ordinary in-process LRU cache bounded in bytes (file-cache.ts), with the Flux server's policy: files over
 * --max-file-bytes are streamed from disk and never cached, and a hit older than --revalidate-ms stats the file
 * again. Sends the Flux server's headers (Server, Date, Last-Modified, ETag, Content-Type, Content-Length,
 * Accept-Ranges); node:http adds its own `Connection: keep-alive` and `Keep-Alive: timeout=5` on top, as it does
 * for every Node user. Answers If-None-Match with 304, HEAD without a body, other methods with 405, paths that
 * leave the root with 400.
 *
 *   node bench/targets/web/node-http.ts --root <dir> [--port 0] [--cache-bytes N] [--max-file-bytes N]
 *     [--revalidate-ms N] [--exit-on-stdin-close]
 *
 * Prints `node-http listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { FileCache, type FileLookup, type ServedFile } from './file-cache.ts';
import { errorBody, fileHeaderList, resolveUrlPath } from './http-file-headers.ts';
import { serveTarget } from '../serve-target.ts';

const SERVER = 'node-http';

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
const cache = new FileCache(values.root, {
  capacityBytes: Number(values['cache-bytes']),
  maxFileBytes: Number(values['max-file-bytes']),
  revalidateMs: Number(values['revalidate-ms']),
});

/** Sends the head; returns whether a body should follow. */
function sendHead(req: IncomingMessage, res: ServerResponse, file: ServedFile): boolean {
  const { etag, lastModified } = file.headers;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, ['Server', SERVER, 'Last-Modified', lastModified, 'ETag', etag]);
    res.end();
    return false;
  }
  res.writeHead(200, fileHeaderList(SERVER, file.headers));
  if (req.method === 'HEAD') {
    res.end();
    return false;
  }
  return true;
}

function send(req: IncomingMessage, res: ServerResponse, found: FileLookup): void {
  if (found.kind === 'missing') return fail(res, 404);
  if (!sendHead(req, res, found.file)) return;
  if (found.kind === 'memory') res.end(found.body);
  else createReadStream(found.fullPath).on('error', () => res.destroy()).pipe(res);
}

function fail(res: ServerResponse, status: number, extra: string[] = []): void {
  const body = errorBody(status);
  res.writeHead(status, ['Server', SERVER, ...extra, 'Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body))]);
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, ['Allow', 'GET, HEAD']);
  const path = resolveUrlPath(req.url ?? '/');
  if (path === undefined) return fail(res, 400);
  // A fresh hit needs no await at all; anything else may touch the disk.
  send(req, res, cache.fresh(path) ?? (await cache.lookup(path)));
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) fail(res, 500);
    else res.destroy();
  });
});

serveTarget(server, SERVER, { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
