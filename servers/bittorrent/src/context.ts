/**
 * What this thread's nodes and sources work with, made by `setup` (which runs on every thread, main first):
 * the options, the torrent, this thread's descriptors for its files, and its view of the shared swarm state.
 * On the main thread setup also makes the torrent (--seed) or checks what is already on disk (--torrent).
 */

import { dirname, resolve } from 'node:path';
import type { SetupContext } from '@flux/runtime/api.ts';
import { codes, FluxError } from '@flux/runtime/errors.ts';
import { createMetainfo, MetainfoError, readMetainfo, type Metainfo } from './metainfo/metainfo.ts';
import { OptionError, readOptions, type PeerOptions } from './options.ts';
import { newPeerId } from './protocol/handshake.ts';
import { C_HAVE, geometryOf, stateByteLength, SwarmState } from './state/swarm-state.ts';
import { ServedPieces } from './storage/served-pieces.ts';
import { Storage, StorageError } from './storage/storage.ts';

export interface PeerContext {
  readonly options: PeerOptions;
  readonly meta: Metainfo;
  readonly storage: Storage;
  /** Pieces recently served, as ready-made piece messages (this thread's). */
  readonly served: ServedPieces;
  readonly state: SwarmState;
  readonly peerId: Buffer;
  readonly runtime: string;
  /** Where the data lives: --out, or the folder holding --seed. */
  readonly dataDir: string;
  /** Pieces found good on disk at start (main thread; -1 elsewhere). */
  readonly verifiedOnStart: number;
}

export const STATE_BUFFER = 'bittorrent.swarm';

let current: PeerContext | undefined;

/** Bad options, an unreadable torrent, files that cannot be opened: one line, no stack (the command line's exit 1). */
export async function setupContext(ctx: SetupContext): Promise<PeerContext> {
  try {
    return await setupThread(ctx);
  } catch (error) {
    if (error instanceof MetainfoError || error instanceof OptionError || error instanceof StorageError) {
      throw new FluxError(codes.BAD_OPTION, `bittorrent: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

async function setupThread(ctx: SetupContext): Promise<PeerContext> {
  const options = readOptions(ctx.options);
  const main = ctx.thread === 'main';
  const seeding = options.seed !== '';
  if (seeding && main) {
    await createMetainfo(options.seed, options.torrentOut, {
      trackers: options.tracker === '' ? [] : [options.tracker],
      pieceLength: options.pieceLength || undefined,
    });
  }
  const meta = await readMetainfo(seeding ? options.torrentOut : options.torrent);
  const dataDir = seeding ? dirname(resolve(options.seed)) : resolve(options.out);
  const storage = new Storage(meta, dataDir, !seeding);
  const g = geometryOf(meta);
  const state = new SwarmState(g, ctx.shared(STATE_BUFFER, stateByteLength(g)));
  let verifiedOnStart = -1;
  if (main) {
    state.peerId.set(newPeerId());
    if (seeding) {
      // create-torrent has just hashed these very bytes.
      state.have.fill(1);
      state.counters[C_HAVE] = g.numPieces;
    } else {
      verifyExisting(storage, state);
    }
    verifiedOnStart = state.counters[C_HAVE]!;
  }
  current = { options, meta, storage, served: new ServedPieces(storage, ctx.runtime === 'threadpool' || ctx.runtime === 'thread'), state, peerId: Buffer.from(state.peerId), runtime: ctx.runtime, dataDir, verifiedOnStart };
  return current;
}

/** Marks complete every piece on disk that matches its hash; nothing else (a resumed download starts here). */
function verifyExisting(storage: Storage, state: SwarmState): void {
  let have = 0;
  for (let p = 0; p < state.g.numPieces; p++) {
    if (!storage.mayHoldData(p)) continue;
    if (storage.verify(p)) {
      state.have[p] = 1;
      have++;
    }
  }
  state.counters[C_HAVE] = have;
}

export function peerContext(): PeerContext {
  if (current === undefined) throw new Error('bittorrent: setup has not run on this thread');
  return current;
}

/** The main thread's context, once setup ran (serve.ts reads progress from it). */
export function maybeContext(): PeerContext | undefined {
  return current;
}
