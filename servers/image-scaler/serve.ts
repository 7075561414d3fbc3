/**
 * Runs the image scaler: `pnpm serve image-scaler --runtime <event|threadpool|thread|workers> --port <p> --images <dir>`
 * (every option in options.ts is a flag: --cache-bytes, --max-input-pixels, ...). Prints a line with the
 * server's URL once it listens; SIGINT / SIGTERM stop it cleanly.
 */

import { scalerServer } from './src/server.ts';

await scalerServer.serve();
