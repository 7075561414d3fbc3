/**
 * The sharp-alone target (the miss ceiling), started by the harness like the servers; see sharp-alone-server.ts.
 *
 *   node bench/targets/image-scaler/sharp-alone-target.ts --images <dir> --mix <MixSpec JSON> [--port 0] [--exit-on-stdin-close]
 */
import { parseArgs } from 'node:util';
import type { MixSpec } from './request-mix.ts';
import { loadSources, sharpScaler } from './sharp-alone.ts';
import { createSharpAloneServer } from './sharp-alone-server.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    mix: { type: 'string' },
    port: { type: 'string', default: '0' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});
if (values.images === undefined || values.mix === undefined) {
  console.error('sharp-alone-target: --images <dir> and --mix <json> are required');
  process.exit(2);
}
const mix = JSON.parse(values.mix) as MixSpec;
const scale = sharpScaler(await loadSources(values.images, mix.images));
const server = createSharpAloneServer({ scale, mix });
server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  console.log(`sharp alone listening on http://127.0.0.1:${port}`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (values['exit-on-stdin-close']) {
  process.stdin.on('end', stop).on('close', stop).resume();
}
