/**
 * The sharp-alone target (the miss ceiling), started by the harness like the servers; see sharp-alone-server.ts.
 *
 *   node bench/targets/image-scaler/sharp-alone-target.ts --images <dir> --mix <MixSpec JSON> [--port 0] [--exit-on-stdin-close]
 */
import { parseArgs } from 'node:util';
import type { MixSpec } from './request-mix.ts';
import { loadSources, sharpScaler } from './sharp-alone.ts';
import { createSharpAloneServer } from './sharp-alone-server.ts';
import { serveTarget } from '../serve-target.ts';

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
serveTarget(server, 'sharp alone', { port: Number(values.port), exitOnStdinClose: Boolean(values['exit-on-stdin-close']) });
