/**
 * Runs the tag game: `pnpm serve tag-game --runtime <event|threadpool|thread|workers> --port <p>`; every option in
 * src/options.ts is a flag too (--tick-hz, --full-state, --allow-origin <origin> (repeatable), --arena-w, ...).
 * Prints a line with the server's URL once it listens; SIGINT / SIGTERM close every WebSocket with 1001 and
 * stop it cleanly (exit 0).
 */

import { tagGame } from './src/server.ts';

await tagGame.serve();
