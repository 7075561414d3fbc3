/**
 * The browser client's files, read once when the source starts and served from memory: GET or HEAD of a file
 * in public/ (`/` is index.html), with its content type; 404 for anything else, 405 for other methods.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

export type StaticFiles = ReadonlyMap<string, StaticFile>;

/** Every file under `dir`, by URL path. */
export function loadStatic(dir: string): StaticFiles {
  const files = new Map<string, StaticFile>();
  const walk = (path: string, prefix: string) => {
    for (const name of readdirSync(path)) {
      if (name.startsWith('.')) continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else files.set(`${prefix}${name}`, { body: readFileSync(full), type: TYPES[extname(name)] ?? 'application/octet-stream' });
    }
  };
  walk(dir, '/');
  const index = files.get('/index.html');
  if (index !== undefined) files.set('/', index);
  return files;
}

export function serveStatic(files: StaticFiles, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  const file = files.get(path);
  if (file === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': file.body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}
