/**
 * The load generator's ceiling: the least a server can do to answer the same requests. A plain `node:net`
 * server with every response (head and body) prebuilt in memory before it listens: for each request head found
 * by scanning for CRLFCRLF it looks the path up and writes the prebuilt bytes, the answers to pipelined requests
 * in order and corked together. No parsing beyond the request target, no Connection or body handling (the load
 * clients send bodiless keep-alive GETs), a Date frozen at start. What it reaches is what this load generator
 * plus one Node thread can do on this machine: a node:http ceiling would be slower than the servers under test
 * once wrk drives them. The headers are the web servers' set, so the byte counts match theirs.
 *
 *   node bench/targets/ceiling.ts [--root <dir>] [--port 0] [--exit-on-stdin-close]
 *
 * Without --root it answers any path with a two-byte body. Prints `ceiling listening on
 * http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { errorBody, fileHeaderLines, fileHeadersFor, httpDate } from './web/http-file-headers.ts';
import { serveTarget } from './serve-target.ts';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: '0' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});

const HEAD_END = Buffer.from('\r\n\r\n');
const SPACE = 0x20;
const QUESTION = 0x3f;
const started = Date.now();

function response(path: string, body: Buffer, mtimeMs: number): Buffer {
  const head = `HTTP/1.1 200 OK\r\nServer: ceiling\r\nDate: ${httpDate(started)}\r\n` + fileHeaderLines(fileHeadersFor(path, body.length, mtimeMs)) + '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

async function load(root: string): Promise<Map<string, Buffer>> {
  const responses = new Map<string, Buffer>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = '/' + relative(root, full).split(sep).join('/');
    responses.set(path, response(path, await readFile(full), (await stat(full)).mtimeMs));
  }
  return responses;
}

const responses = values.root ? await load(values.root) : undefined;
const fallback = response('/', Buffer.from('ok'), started);
const notFoundBody = errorBody(404);
const notFound = Buffer.from(
  `HTTP/1.1 404 Not Found\r\nServer: ceiling\r\nDate: ${httpDate(started)}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
  `Content-Length: ${notFoundBody.length}\r\n\r\n${notFoundBody}`,
  'latin1',
);

/** The prebuilt answer to the request whose head starts at `start` in `bytes`. */
function answerFor(bytes: Buffer, start: number, end: number): Buffer {
  if (!responses) return fallback;
  const from = bytes.indexOf(SPACE, start) + 1;
  let to = bytes.indexOf(SPACE, from);
  if (from <= 0 || to < 0 || to > end) return notFound;
  const query = bytes.indexOf(QUESTION, from);
  if (query >= 0 && query < to) to = query;
  return responses.get(bytes.toString('latin1', from, to)) ?? notFound;
}

function serveConnection(socket: Socket): void {
  let pending: Buffer | undefined;
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    const bytes = pending ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    socket.cork();
    for (let end = bytes.indexOf(HEAD_END, start); end >= 0; end = bytes.indexOf(HEAD_END, start)) {
      socket.write(answerFor(bytes, start, end));
      start = end + HEAD_END.length;
    }
    socket.uncork();
    pending = start < bytes.length ? bytes.subarray(start) : undefined;
    // No head is that long: not a load client of ours.
    if (pending && pending.length > 64 * 1024) socket.destroy();
  });
}

serveTarget(createServer({ noDelay: true }, serveConnection), 'ceiling', { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
