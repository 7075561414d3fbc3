/**
 * The MSE/PE responder (src/mse/), loaded when present: an inbound connection that does not open with the
 * plaintext handshake is handed to it. Without it, such a connection is closed.
 */

import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';

export interface MseStream {
  readonly infoHash: Buffer;
  readonly encrypted: boolean;
  encrypt(data: Buffer): Buffer;
  decrypt(data: Buffer): Buffer;
  readonly leftover: Buffer;
}

export interface MseModule {
  looksLikePlaintextHandshake(first: Uint8Array): boolean;
  respondMse(socket: Socket, firstBytes: Buffer, knownInfoHashes: readonly Buffer[], options?: { timeoutMs?: number }): Promise<MseStream>;
}

let mse: MseModule | undefined;

/** Loads src/mse/index.ts if it is there (sources call this once before accepting). */
export async function prepareMse(): Promise<void> {
  const url = new URL('../mse/index.ts', import.meta.url);
  if (!existsSync(url)) return;
  try {
    mse = (await import(url.href)) as MseModule;
  } catch (error) {
    process.stderr.write(`bittorrent: MSE responder not loaded: ${(error as Error).message}\n`);
  }
}

export function loadMse(): MseModule | undefined {
  return mse;
}
