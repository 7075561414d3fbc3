/**
 * The baseline a Node user would write for the image API: one process, `node:http`, the same query validation
 * and the same sharp pipeline as the Flux server (imported from servers/image-scaler), and optionally a cache of
 * the same size: the runtime's ByteCache, plus in-process miss coalescing (a Map of promises), which is all one
 * thread needs. `--cache-bytes 0` serves every request by scaling.
 *
 *   node bench/targets/image-scaler/node-http.ts --images <dir> [--port 0] [--cache-bytes N] [--exit-on-stdin-close]
 *
 * Prints `node-http listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { configureSharp } from '../../../servers/image-scaler/src/scale/sharp-settings.ts';
import { ByteCache } from '@flux/runtime/state/byte-cache.ts';
import { answerFor } from '../../../servers/image-scaler/src/errors.ts';
import { parseImageQuery } from '../../../servers/image-scaler/src/request/query.ts';
import { scaleImage } from '../../../servers/image-scaler/src/scale/scale-image.ts';
import { readSource } from '../../../servers/image-scaler/src/source/read-source.ts';
import { DEFAULTS } from '../../../servers/image-scaler/src/options.ts';
import { serveTarget } from '../serve-target.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    port: { type: 'string', default: '0' },
    'cache-bytes': { type: 'string', default: '0' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});
if (!values.images) {
  console.error('node-http: --images <dir> is required');
  process.exit(2);
}
const images = values.images;
const capacityBytes = Number(values['cache-bytes']);
const cache = capacityBytes > 0
  ? ByteCache.create({ capacityBytes, maxEntryBytes: Math.min(DEFAULTS.maxEntryBytes, capacityBytes), blockSize: 4096 })
  : null;
const inflight = new Map<string, Promise<Scaled>>();
configureSharp();

interface Scaled {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly etag: string;
}

async function produce(key: string, name: string, query: ReturnType<typeof parseImageQuery>): Promise<Scaled> {
  const source = await readSource(images, name, DEFAULTS.maxSourceBytes);
  const scaled = await scaleImage(source.bytes, query, DEFAULTS);
  const result = { bytes: scaled.bytes, contentType: scaled.contentType, etag: scaled.etag };
  cache?.store(key, { tag: `${result.contentType}\n${result.etag}`, mtimeMs: source.mtimeMs, size: source.size }, result.bytes);
  return result;
}

function lookup(key: string): Scaled | null {
  if (cache === null) return null;
  const slot = cache.find(key);
  if (slot < 0) return null;
  const [contentType = '', etag = ''] = cache.source(slot).tag.split('\n');
  return { bytes: cache.readBody(slot), contentType, etag };
}

function fail(res: ServerResponse, error: unknown): void {
  const answer = answerFor(error);
  const body = JSON.stringify({ error: answer.code, message: answer.message });
  res.writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer(async (req, res) => {
  try {
    const query = parseImageQuery(req.url ?? '/', DEFAULTS);
    let image = lookup(query.key);
    if (image === null) {
      let running = inflight.get(query.key);
      if (running === undefined) {
        running = produce(query.key, query.name, query).finally(() => inflight.delete(query.key));
        inflight.set(query.key, running);
      }
      image = await running;
    }
    res.writeHead(200, {
      'Content-Type': image.contentType,
      'Content-Length': image.bytes.length,
      ETag: image.etag,
      'Cache-Control': DEFAULTS.cacheControl,
    });
    res.end(image.bytes);
  } catch (error) {
    fail(res, error);
  }
});
server.keepAliveTimeout = 60_000;
serveTarget(server, `node-http${cache ? ' (cache)' : ''}`, { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
