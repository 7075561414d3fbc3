/**
 * Runs the web server: `pnpm serve web --runtime <event|threadpool|thread|workers> --port <p> --root <dir>`; every
 * option in src/options.ts is a flag too (--max-connections, --cache-bytes, --header-timeout-ms, ...).
 * Prints a line with the server's URL once it listens; SIGINT / SIGTERM stop it cleanly (exit 0).
 */

import { runServer } from '@flux/runtime/cli/run-server.ts';
import { DEFAULTS } from './src/options.ts';
import { IMPLEMENTATION, PROGRAM_FILE } from './src/program.ts';

const server = await runServer({ fluxFile: PROGRAM_FILE, implementation: IMPLEMENTATION, defaults: DEFAULTS });
try {
  const { host, port } = await server.listening('Listen');
  const shown = host.includes(':') ? `[${host}]` : host;
  process.stdout.write(`web: listening on http://${shown}:${port}/\n`);
} catch (error) {
  process.stderr.write(`web: cannot listen: ${(error as Error).message}\n`);
  process.exit(1);
}
