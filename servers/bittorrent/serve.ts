/**
 * Runs the peer:
 *   pnpm serve bittorrent --runtime <r> --port <p> --seed <file-or-dir> --torrent-out <file.torrent>
 *   pnpm serve bittorrent --runtime <r> --port <p> --torrent <file.torrent> --out <dir> [--peer host:port]...
 *                         [--tracker <url>] [--exit-on-complete]
 * Prints a line with 127.0.0.1:<port> once it listens; SIGINT / SIGTERM stop it cleanly (exit 0); with
 * --exit-on-complete it exits 0 once every piece is verified. Every option in src/options.ts is a flag too.
 */

import { bittorrentServer } from './src/server.ts';
import { watchProgress } from './src/progress.ts';

const serving = await bittorrentServer.serve();
watchProgress(serving);
