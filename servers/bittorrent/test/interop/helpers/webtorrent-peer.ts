/**
 * A webtorrent 3 client in a process of its own, for the interop tests. Configured by one JSON argument, it
 * reports on stdout as JSON lines:
 *   {"event":"ready","port":<p>,"infoHash":"..","magnet":".."}   listening (a seeder: hashed and seeding)
 *   {"event":"metadata","infoHash":".."}                          a leecher from a magnet link has the info dict
 *   {"event":"wire","type":"tcpOutgoing","peState":"done","encryptionMethod":1}
 *                                                                 a connection finished its handshakes (MSE state)
 *   {"event":"done","files":[{"path":"..","length":n}]}           a leecher has every piece
 *   {"event":"error","message":".."}                              then exits 1
 * Everything but uTP, the DHT, local discovery, NAT traversal and web seeds is left at webtorrent's defaults
 * (notably `secure`, so its outgoing connections start with MSE). It listens on every interface; the tests only
 * ever give it 127.0.0.1 peers and a tracker on 127.0.0.1.
 */

import { readFile, writeFile } from 'node:fs/promises';

// webtorrent ships no types; the few members used are typed where they are used.
const WEBTORRENT: string = 'webtorrent';
const { default: WebTorrent } = await import(WEBTORRENT) as { default: new (options: object) => unknown };

export interface WebtorrentPeerConfig {
  /** seed: share `path` (a file or folder), writing the .torrent to `torrentOut`; leech: fetch `torrent`. */
  readonly mode: 'seed' | 'leech';
  readonly path?: string;
  readonly torrentOut?: string;
  /** A .torrent file or a magnet link. */
  readonly torrent?: string;
  /** Where a leecher writes. */
  readonly out?: string;
  /** host:port peers to dial. */
  readonly peers?: readonly string[];
  /** Tracker URLs (none by default). */
  readonly announce?: readonly string[];
  /** webtorrent's `secure` (default: its own default, 1: MSE with plaintext fallback). */
  readonly secure?: number;
  /** A leecher exits 0 once done instead of seeding on. */
  readonly exitOnDone?: boolean;
}

function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function fail(error: unknown): never {
  say({ event: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

interface WtFile { path: string; length: number }
interface WtTorrent {
  infoHash: string;
  magnetURI: string;
  torrentFile: Uint8Array;
  files: WtFile[];
  on(event: string, listener: (...args: unknown[]) => void): void;
  once(event: string, listener: (...args: unknown[]) => void): void;
  addPeer(peer: string): boolean;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as WebtorrentPeerConfig;
  const client = new WebTorrent({ utp: false, dht: false, lsd: false, natUpnp: false, natPmp: false, webSeeds: false, torrentPort: 0, ...(config.secure === undefined ? {} : { secure: config.secure }) }) as unknown as {
    on(event: string, listener: (...args: unknown[]) => void): void;
    seed(path: string, opts: object, cb: (torrent: WtTorrent) => void): WtTorrent;
    add(torrent: string | Uint8Array, opts: object, cb?: (torrent: WtTorrent) => void): WtTorrent;
    address(): { port: number } | null;
    destroy(cb?: () => void): void;
  };
  client.on('error', fail);
  process.on('SIGTERM', () => client.destroy(() => process.exit(0)));
  const announce = [...(config.announce ?? [])];
  const whenListening = (): Promise<number> => new Promise((resolve) => {
    const poll = (): void => {
      const address = client.address();
      if (address !== null && address.port > 0) resolve(address.port);
      else setTimeout(poll, 20);
    };
    poll();
  });

  if (config.mode === 'seed') {
    if (config.path === undefined) fail(new Error('seed needs path'));
    client.seed(config.path, { announce, ...(announce.length === 0 ? { private: false } : {}) }, async (torrent) => {
      torrent.on('error', fail);
      if (config.torrentOut !== undefined) await writeFile(config.torrentOut, torrent.torrentFile);
      for (const peer of config.peers ?? []) torrent.addPeer(peer);
      say({ event: 'ready', port: await whenListening(), infoHash: torrent.infoHash, magnet: torrent.magnetURI });
    });
    return;
  }

  if (config.torrent === undefined || config.out === undefined) fail(new Error('leech needs torrent and out'));
  const source = config.torrent.startsWith('magnet:') ? config.torrent : await readFile(config.torrent);
  const torrent = client.add(source, { path: config.out, announce });
  torrent.on('error', fail);
  torrent.on('wire', (wire) => {
    const w = wire as { type: string; _peState: string; _encryptionMethod: number | null | undefined };
    say({ event: 'wire', type: w.type, peState: w._peState, encryptionMethod: w._encryptionMethod ?? null });
  });
  torrent.once('metadata', () => say({ event: 'metadata', infoHash: torrent.infoHash }));
  torrent.once('done', () => {
    say({ event: 'done', files: torrent.files.map((f) => ({ path: f.path, length: f.length })) });
    if (config.exitOnDone === true) client.destroy(() => process.exit(0));
  });
  // webtorrent takes peers only once it knows the info hash (at once from a file or a magnet link, next tick).
  torrent.once('infoHash', async () => {
    for (const peer of config.peers ?? []) torrent.addPeer(peer);
    say({ event: 'ready', port: await whenListening(), infoHash: torrent.infoHash });
  });
}

main().catch(fail);
