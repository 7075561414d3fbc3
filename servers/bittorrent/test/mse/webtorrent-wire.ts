/**
 * bittorrent-protocol, webtorrent's wire (and its MSE), loaded from beside the installed webtorrent: it is
 * webtorrent's dependency, not this package's, so it is not resolvable by name from here.
 */

import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Duplex } from 'node:stream';

export interface Wire extends Duplex {
  _encryptionMethod: number | null | undefined;
  startEncryption(infoHashHex: string): void;
  setInfoHash(infoHashHex: string): void;
  handshake(infoHash: Uint8Array | string, peerId: Uint8Array | string, extensions?: Record<string, boolean>): void;
  interested(): void;
  destroy(): this;
}

export type WireConstructor = new (type: string, peEnabled: number) => Wire;

const here = dirname(fileURLToPath(import.meta.url));
const webtorrentDir = realpathSync(join(here, '../../node_modules/webtorrent'));

export async function loadWire(): Promise<WireConstructor> {
  const module = await import(pathToFileURL(join(webtorrentDir, '../bittorrent-protocol/index.js')).href) as { default: WireConstructor };
  return module.default;
}
