/**
 * A webtorrent 3 client as a process of its own, for `bench bittorrent`: a seeder or a leecher, with webtorrent's
 * defaults except uTP, DHT, local discovery, NAT traversal and web seeds (off: loopback only). One JSON argument:
 *   {"mode":"seed","path":<file>,"torrentOut":<file>}   prints `ready 127.0.0.1:<port>` once hashed and seeding
 *   {"mode":"leech","torrent":<file>,"out":<dir>,"peers":["127.0.0.1:<port>"]}
 *       prints `ready 127.0.0.1:<port>` once it has the torrent, `done` once every piece is verified, then exits 0
 * On an error: `error <message>` on stderr and exit 1.
 */

import { readFile, writeFile } from 'node:fs/promises';

interface Config {
  readonly mode: 'seed' | 'leech';
  readonly path?: string;
  readonly torrentOut?: string;
  readonly torrent?: string;
  readonly out?: string;
  readonly peers?: readonly string[];
}

interface Torrent {
  infoHash: string;
  torrentFile: Uint8Array;
  on(event: string, listener: (...args: unknown[]) => void): void;
  once(event: string, listener: (...args: unknown[]) => void): void;
  addPeer(peer: string): boolean;
}

interface Client {
  on(event: string, listener: (...args: unknown[]) => void): void;
  seed(path: string, options: object, ready: (torrent: Torrent) => void): Torrent;
  add(torrent: Uint8Array, options: object): Torrent;
  address(): { port: number } | null;
  destroy(done?: () => void): void;
}

function fail(error: unknown): never {
  process.stderr.write(`error ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

// webtorrent ships no types; the members used are typed above.
const WEBTORRENT: string = 'webtorrent';
const { default: WebTorrent } = await import(WEBTORRENT) as { default: new (options: object) => Client };

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const client = new WebTorrent({ utp: false, dht: false, lsd: false, natUpnp: false, natPmp: false, webSeeds: false, torrentPort: 0 });
client.on('error', fail);
process.on('SIGTERM', () => client.destroy(() => process.exit(0)));

function listeningPort(): Promise<number> {
  return new Promise((resolve) => {
    const poll = (): void => {
      const address = client.address();
      if (address !== null && address.port > 0) resolve(address.port);
      else setTimeout(poll, 10);
    };
    poll();
  });
}

if (config.mode === 'seed') {
  if (config.path === undefined || config.torrentOut === undefined) fail(new Error('seed needs path and torrentOut'));
  const torrentOut = config.torrentOut;
  client.seed(config.path, { announce: [] }, (torrent) => {
    torrent.on('error', fail);
    void (async () => {
      await writeFile(torrentOut, torrent.torrentFile);
      process.stdout.write(`ready 127.0.0.1:${await listeningPort()} ${torrent.infoHash}\n`);
    })().catch(fail);
  });
} else {
  if (config.torrent === undefined || config.out === undefined) fail(new Error('leech needs torrent and out'));
  const torrent = client.add(await readFile(config.torrent), { path: config.out, announce: [] });
  torrent.on('error', fail);
  torrent.once('done', () => {
    process.stdout.write('done\n');
    client.destroy(() => process.exit(0));
  });
  torrent.once('infoHash', () => {
    for (const peer of config.peers ?? []) torrent.addPeer(peer);
    void listeningPort().then((port) => process.stdout.write(`ready 127.0.0.1:${port} ${torrent.infoHash}\n`));
  });
}
