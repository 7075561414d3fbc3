/**
 * Runs the CPU server: `node bench/targets/cpu/serve.ts --runtime <event|threadpool|thread|workers> [--threads N]
 * [--port 0]`; every option of src/options.ts is a flag too (--max-rounds, --max-connections, --idle-timeout-ms,
 * ...). Prints `cpu: listening on http://127.0.0.1:<port>/` once it listens (the benchmark's readiness
 * handshake); SIGINT / SIGTERM stop it cleanly.
 */

import { cpuServer } from './src/server.ts';

await cpuServer.serve();
