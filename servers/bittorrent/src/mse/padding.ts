import { randomBytes, randomInt } from 'node:crypto';
import { MAX_PAD } from './constants.ts';

/** Random padding of random length up to `max` (the specification's 0-512; callers may send less). */
export function randomPad(max: number = MAX_PAD): Buffer {
  return randomBytes(randomInt(0, max + 1));
}

export function uint16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}

export function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}
