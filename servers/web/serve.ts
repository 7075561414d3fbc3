/**
 * Runs the web server: `pnpm serve web --runtime <event|threadpool|thread|workers> --port <p> --root <dir>`; every
 * option in src/options.ts is a flag too (--max-connections, --cache-bytes, --header-timeout-ms, ...).
 * Prints a line with the server's URL once it listens; SIGINT / SIGTERM stop it cleanly (exit 0).
 */

import { webServer } from './src/server.ts';

await webServer.serve();
