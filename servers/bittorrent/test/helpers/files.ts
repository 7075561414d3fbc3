/** Temp folders and payloads for the tests: random bytes, compared byte for byte. */

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const RUNTIMES = ['event', 'threadpool', 'thread', 'workers'] as const;

export function tempDir(prefix = 'bt-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeRandom(path: string, bytes: number): Buffer {
  mkdirSync(dirname(path), { recursive: true });
  const data = randomBytes(bytes);
  writeFileSync(path, data);
  return data;
}

/** A folder of several files whose sizes are not multiples of a block, one of them nested. */
export function writeRandomFolder(root: string): Record<string, number> {
  const files: Record<string, number> = { 'a.bin': 1_000_003, 'sub/b.bin': 700_001, 'sub/deeper/c.bin': 1_300_007, 'd.txt': 12_345 };
  for (const [path, size] of Object.entries(files)) writeRandom(join(root, path), size);
  return files;
}

export function assertSameFile(actual: string, expected: string): void {
  const a = readFileSync(actual);
  const e = readFileSync(expected);
  if (a.length !== e.length || !a.equals(e)) throw new Error(`${actual} differs from ${expected} (${a.length} vs ${e.length} bytes)`);
}

/** Waits for `fn` to return true, polling; throws after `timeoutMs`. */
export async function until(what: string, fn: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `promise`, or a rejection with `message()` after `ms` (the timer does not outlive the promise). */
export async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, fail) => { timer = setTimeout(() => fail(new Error(message())), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
