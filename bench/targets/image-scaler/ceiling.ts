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
server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  console.log(`ceiling listening on http://127.0.0.1:${port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (values['exit-on-stdin-close']) {
  process.stdin.on('end', stop).on('close', stop).resume();
}
