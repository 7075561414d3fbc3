/**
 * The work one request asks for: PBKDF2-HMAC-SHA256 of a fixed payload with `rounds` iterations
 * (`pbkdf2Sync`), synchronously on the calling thread, about 0.15 us an iteration here. Shared by the Flux
 * server's Digest node and the node:http baseline, so both do the same work.
 *
 * Why not a loop of `createHash` in JavaScript: each round allocates a hash object and a buffer, and V8's
 * garbage collector then works on helper threads beside the one running the loop; measured under `event`, that
 * loop kept 1.1 to 1.2 cores busy (main thread 4.6 s, GC threads 0.9 s over 5 s of load), which blurs what this
 * server is for: one thread of work under `event` against several under `threadpool`. pbkdf2Sync allocates
 * nothing per iteration: all its CPU is on the thread that calls it.
 */

import { pbkdf2Sync } from 'node:crypto';

/** 256 fixed bytes. */
export const PAYLOAD: Buffer = Buffer.from('flux cpu benchmark payload '.repeat(10).slice(0, 256), 'latin1');
export const SALT: Buffer = Buffer.from('flux-cpu-salt', 'latin1');

/** The hex digest (32 bytes) after `rounds` iterations (rounds >= 1). */
export function digestOf(rounds: number): string {
  return pbkdf2Sync(PAYLOAD, SALT, rounds, 32, 'sha256').toString('hex');
}
