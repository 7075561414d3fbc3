import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';

const CHUNK = 1024 * 1024;

/** Writes `bytes` of seeded pseudo-random data (AES-128-CTR of zeros, keyed by the seed) and returns its SHA-1. */
export async function writePayload(path: string, bytes: number, seed: number): Promise<string> {
  const key = createHash('sha256').update(`bittorrent bench ${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const hash = createHash('sha1');
  const out = createWriteStream(path);
  const zeros = Buffer.alloc(CHUNK);
  for (let written = 0; written < bytes; written += CHUNK) {
    const chunk = cipher.update(zeros.subarray(0, Math.min(CHUNK, bytes - written)));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return hash.digest('hex');
}

export async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
