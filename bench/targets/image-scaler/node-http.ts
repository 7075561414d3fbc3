/**
 * The baseline a Node user would write for the image API: one process, `node:http`, the same query validation
 * and the same sharp pipeline as the Flux server (imported from servers/image-scaler), and optionally a cache of
 * the same size: an ordinary in-process `lru-cache` bounded in bytes (image-cache.ts; no entry over the Flux
 * server's largest, 4 MiB), a hit handing out the very bytes it holds, plus miss coalescing (a Map of promises),
 * which is all one thread needs. Not the runtime's shared-memory ByteCache, which a Node user would not have
 * (and which copied every hit out of shared memory). `--cache-bytes 0` serves every request by scaling.
 *
 *   node bench/targets/image-scaler/node-http.ts --images <dir> [--port 0] [--cache-bytes N] [--exit-on-stdin-close]
 *
 * Prints `node-http listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { configureSharp } from '../../../servers/image-scaler/src/scale/sharp-settings.ts';
import { answerFor } from '../../../servers/image-scaler/src/errors.ts';
import { parseImageQuery } from '../../../servers/image-scaler/src/request/query.ts';
import { scaleImage } from '../../../servers/image-scaler/src/scale/scale-image.ts';
import { readSource } from '../../../servers/image-scaler/src/source/read-source.ts';
import { DEFAULTS } from '../../../servers/image-scaler/src/options.ts';
import { serveTarget } from '../serve-target.ts';
import { createImageCache, type ScaledImage } from './image-cache.ts';

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
// The Flux server's bounds: --cache-bytes, and no entry over its largest (4 MiB).
const cache = capacityBytes > 0 ? createImageCache(capacityBytes, DEFAULTS.maxEntryBytes) : null;
const inflight = new Map<string, Promise<ScaledImage>>();
configureSharp();

async function produce(key: string, name: string, query: ReturnType<typeof parseImageQuery>): Promise<ScaledImage> {
  const source = await readSource(images, name, DEFAULTS.maxSourceBytes);
  const scaled = await scaleImage(source.bytes, query, DEFAULTS);
  const result: ScaledImage = { bytes: scaled.bytes, contentType: scaled.contentType, etag: scaled.etag };
  cache?.set(key, result);
  return result;
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
    let image = cache?.get(query.key);
    if (image === undefined) {
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
