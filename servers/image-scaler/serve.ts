/**
 * Runs the image scaler: `pnpm serve image-scaler --runtime <event|threadpool|thread|workers> --port <p> --images <dir>`
 * (every option in options.ts is a flag: --cache-bytes, --max-input-pixels, ...). Prints a line with the
 * server's URL once it listens; SIGINT / SIGTERM stop it cleanly.
 */

import { runServer } from '@flux/runtime/cli/run-server.ts';
import { DEFAULTS } from './src/options.ts';
import { IMPLEMENTATION, PROGRAM_FILE } from './src/program.ts';

const server = await runServer({
  fluxFile: PROGRAM_FILE,
  implementation: IMPLEMENTATION,
  defaults: {
    host: '127.0.0.1',
    port: 8090,
    images: '',
    cacheBytes: DEFAULTS.cacheBytes,
    maxEntryBytes: DEFAULTS.maxEntryBytes,
    maxDimension: DEFAULTS.maxDimension,
    maxInputPixels: DEFAULTS.maxInputPixels,
    maxSourceBytes: DEFAULTS.maxSourceBytes,
    cacheControl: DEFAULTS.cacheControl,
    waitTimeoutMs: DEFAULTS.waitTimeoutMs,
  },
});
const { host, port } = await server.listening('Listen');
process.stdout.write(`image-scaler listening on http://${host}:${port}\n`);
