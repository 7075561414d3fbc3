/**
 * Metainfo (.torrent) files: read with parse-torrent, created with create-torrent. What the peer keeps of one is
 * `Metainfo`: geometry, piece hashes, files in order, and the bencoded info dictionary (served over ut_metadata).
 */

import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import createTorrent from 'create-torrent';
import parseTorrent from 'parse-torrent';

export interface TorrentFile {
  /** Relative path, the torrent's name first for a multi-file torrent. */
  readonly path: string;
  readonly length: number;
  /** Where the file starts in the torrent's byte stream. */
  readonly offset: number;
}

export interface Metainfo {
  readonly infoHash: Buffer;
  readonly infoBuffer: Buffer;
  readonly name: string;
  readonly length: number;
  readonly pieceLength: number;
  readonly lastPieceLength: number;
  readonly numPieces: number;
  /** 20 bytes per piece. */
  readonly pieceHashes: Buffer;
  readonly files: readonly TorrentFile[];
  readonly announce: readonly string[];
}

export class MetainfoError extends Error {
  readonly code = 'BT_ERR_METAINFO';
}

/** Parses a .torrent's bytes; throws MetainfoError when they are not one. */
export async function parseMetainfo(bytes: Uint8Array, where = 'torrent'): Promise<Metainfo> {
  let t;
  try {
    t = await parseTorrent(bytes);
  } catch (error) {
    throw new MetainfoError(`${where} is not a valid torrent file: ${(error as Error).message}`);
  }
  if (t.infoBuffer === undefined || t.pieces === undefined || t.files === undefined || !t.pieceLength || t.length === undefined) {
    throw new MetainfoError(`${where} is not a valid torrent file: no info dictionary`);
  }
  const numPieces = t.pieces.length;
  if (numPieces === 0 || numPieces !== Math.ceil(t.length / t.pieceLength)) {
    throw new MetainfoError(`${where} is not a valid torrent file: ${numPieces} piece hashes for ${t.length} bytes`);
  }
  for (const f of t.files) {
    if (f.path.split(/[\\/]/).some((part) => part === '..' || part === '')) throw new MetainfoError(`${where}: unsafe file path ${f.path}`);
  }
  return {
    infoHash: Buffer.from(t.infoHashBuffer),
    infoBuffer: Buffer.from(t.infoBuffer),
    name: t.name ?? 'torrent',
    length: t.length,
    pieceLength: t.pieceLength,
    lastPieceLength: t.lastPieceLength ?? t.length - (numPieces - 1) * t.pieceLength,
    numPieces,
    pieceHashes: Buffer.from(t.pieces.join(''), 'hex'),
    files: t.files.map((f) => ({ path: f.path, length: f.length, offset: f.offset })),
    announce: t.announce ?? [],
  };
}

/** Reads a .torrent file; throws MetainfoError with the reason when it cannot be read or parsed. */
export async function readMetainfo(file: string): Promise<Metainfo> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new MetainfoError(`cannot read torrent file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseMetainfo(bytes, `torrent file ${file}`);
}

export interface CreateOptions {
  readonly trackers?: readonly string[];
  readonly pieceLength?: number;
}

/**
 * Makes a torrent of a file or a folder (single- or multi-file) and writes it to `out`. The data's folder, where
 * a seeder finds the files, is the parent of `input`.
 */
export function createMetainfo(input: string, out: string, options: CreateOptions = {}): Promise<{ torrent: Buffer; dataDir: string }> {
  const path = resolve(input);
  try {
    statSync(path);
  } catch (error) {
    return Promise.reject(new MetainfoError(`cannot seed ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`));
  }
  return new Promise((done, fail) => {
    createTorrent(path, {
      announceList: (options.trackers ?? []).map((url) => [url]),
      createdBy: 'flux-bittorrent',
      ...(options.pieceLength ? { pieceLength: options.pieceLength } : {}),
    }, (error, torrent) => {
      if (error) return fail(new MetainfoError(`cannot make a torrent of ${input}: ${error.message}`));
      const bytes = Buffer.from(torrent);
      try {
        mkdirSync(dirname(resolve(out)), { recursive: true });
        writeFileSync(out, bytes);
      } catch (e) {
        return fail(new MetainfoError(`cannot write torrent file ${out}: ${(e as Error).message}`));
      }
      done({ torrent: bytes, dataDir: dirname(path) });
    });
  });
}
