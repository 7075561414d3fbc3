/**
 * Runs the CPU server: `node bench/targets/cpu/serve.ts --runtime <event|threadpool|thread|workers> [--threads N]
 * [--port 0]`; every option of src/options.ts is a flag too (--max-rounds, --max-connections, --idle-timeout-ms,
 * ...). Prints `cpu: listening on http://127.0.0.1:<port>/` once it listens (the benchmark's readiness
 * handshake); SIGINT / SIGTERM stop it cleanly.
 */

import { runServer } from '@flux/runtime/cli/run-server.ts';
import { DEFAULTS } from './src/options.ts';
import { IMPLEMENTATION, PROGRAM_FILE } from './src/program.ts';

const server = await runServer({ fluxFile: PROGRAM_FILE, implementation: IMPLEMENTATION, defaults: DEFAULTS });
try {
  const { host, port } = await server.listening('Listen');
  process.stdout.write(`cpu: listening on http://${host.includes(':') ? `[${host}]` : host}:${port}/\n`);
} catch (error) {
  process.stderr.write(`cpu: cannot listen: ${(error as Error).message}\n`);
  process.exit(1);
}
