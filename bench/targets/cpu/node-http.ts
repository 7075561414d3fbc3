/**
 * The CPU profile's baseline: what a Node user would write for the same service, on one thread. `node:http`,
 * `GET /digest?rounds=N` answered with the same digest (the same function as the Flux server's Digest node,
 * src/digest.ts), the same checks of the query and the same statuses (400 bad rounds, 404 other paths, 405 other
 * methods).
 *
 *   node bench/targets/cpu/node-http.ts [--port 0] [--max-rounds 1000000] [--exit-on-stdin-close]
 *
 * Prints `node-http listening on http://127.0.0.1:<port>` when ready; exits on SIGTERM or SIGINT.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { serveTarget } from '../serve-target.ts';
import { digestOf } from './src/digest.ts';

const SERVER = 'node-http';
const ROUNDS = /^rounds=([1-9][0-9]{0,9})$/;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'max-rounds': { type: 'string', default: '1000000' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});
const maxRounds = Number(values['max-rounds']);

const server = createServer((req, res) => {
  const send = (status: number, body: string, extra: string[] = []): void => {
    res.writeHead(status, ['Server', SERVER, ...extra, 'Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body))]);
    res.end(body);
  };
  if (req.method !== 'GET') return send(405, '405 Method Not Allowed\n', ['Allow', 'GET']);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if ((q < 0 ? url : url.slice(0, q)) !== '/digest') return send(404, '404 Not Found\n');
  const match = q < 0 ? null : ROUNDS.exec(url.slice(q + 1));
  const rounds = match === null ? NaN : Number(match[1]);
  if (!(rounds <= maxRounds)) return send(400, '400 Bad Request\n');
  send(200, `${digestOf(rounds)}\n`);
});
server.keepAliveTimeout = 5000;

serveTarget(server, SERVER, { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
