import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import assert from 'node:assert/strict';

/** Writes `bytes` of random data to `dir/name` (a length that is no multiple of any piece size). */
export async function writePayload(dir: string, name: string, bytes: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, randomBytes(bytes));
  return path;
}

/** The downloaded file equals the original, byte for byte. */
export async function assertSameFile(original: string, downloaded: string): Promise<void> {
  const [a, b] = await Promise.all([readFile(original), readFile(downloaded)]);
  assert.equal(b.length, a.length, `${downloaded}: ${b.length} bytes, expected ${a.length}`);
  assert.ok(a.equals(b), `${downloaded} differs from ${original}`);
}
