/**
 * The load client's ceiling for this profile: a trivial node:http server that answers every request with the
 * same in-memory binary body (of the workload's typical response size), so what it reaches is what the load
 * client and this machine can carry for such responses at all.
 *
 *   node bench/targets/image-scaler/ceiling.ts [--body-bytes N] [--port 0] [--exit-on-stdin-close]
 */
import { createServer } from 'node:http';
import { randomFillSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { serveTarget } from '../serve-target.ts';

const { values } = parseArgs({
  options: {
    'body-bytes': { type: 'string', default: '16384' },
    port: { type: 'string', default: '0' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});
const body = randomFillSync(Buffer.alloc(Number(values['body-bytes'])));
const headers = ['Content-Type', 'image/jpeg', 'Content-Length', String(body.length), 'ETag', '"ceiling"', 'Cache-Control', 'public, max-age=86400'];

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 60_000;
serveTarget(server, 'ceiling', { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
