/**
 * The load generator's ceiling: the most trivial server that can answer the same requests. Everything is in
 * memory before it starts listening (every file under --root, or a two-byte body for any path when there is no
 * root), with precomputed headers. Driving it with the same load client, connections and duration tells how
 * many requests a second this machine can generate and absorb at all.
 *
 *   node bench/targets/ceiling.ts [--root <dir>] [--port 0] [--exit-on-stdin-close]
 *
 * Prints `ceiling listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createServer } from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { serveTarget } from './serve-target.ts';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: '0' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});

interface Prepared {
  readonly headers: string[];
  readonly body: Buffer;
}

function prepare(body: Buffer, mtimeMs: number): Prepared {
  return {
    body,
    headers: [
      'Content-Type', 'application/octet-stream',
      'Content-Length', String(body.length),
      'ETag', `"${Math.floor(mtimeMs / 1000).toString(16)}-${body.length.toString(16)}"`,
      'Last-Modified', new Date(mtimeMs).toUTCString(),
    ],
  };
}

async function load(root: string): Promise<Map<string, Prepared>> {
  const files = new Map<string, Prepared>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const info = await stat(full);
    files.set('/' + relative(root, full).split(sep).join('/'), prepare(await readFile(full), info.mtimeMs));
  }
  return files;
}

const files = values.root ? await load(values.root) : undefined;
const fallback = prepare(Buffer.from('ok'), Date.now());
const notFound = Buffer.from('not found\n');

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const found = files ? files.get(query >= 0 ? url.slice(0, query) : url) : fallback;
  if (!found) {
    res.writeHead(404, ['Content-Length', String(notFound.length)]);
    res.end(notFound);
    return;
  }
  res.writeHead(200, found.headers);
  res.end(found.body);
});

serveTarget(server, 'ceiling', { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
