/**
 * Reads a source image from the image directory. The name was already checked to be one plain path segment
 * (request/query.ts), so it cannot leave the directory; the size is checked before reading so a huge file
 * costs a stat, not its bytes.
 */

import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, SourceTooLargeError } from '../errors.ts';
import type { SourceImage } from '../types.ts';

export const DEFAULT_MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export async function readSource(directory: string, name: string, maxBytes: number = DEFAULT_MAX_SOURCE_BYTES): Promise<SourceImage> {
  let handle;
  try {
    handle = await open(join(directory, name), 'r');
  } catch (error) {
    if (isMissing(error)) throw new NotFoundError(`no such image: ${name}`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotFoundError(`no such image: ${name}`);
    if (info.size > maxBytes) throw new SourceTooLargeError(`source image ${name} is ${info.size} bytes, the limit is ${maxBytes}`);
    const bytes = await handle.readFile();
    return { bytes, mtimeMs: info.mtimeMs, size: info.size };
  } catch (error) {
    // Reading a directory fails with EISDIR on some systems before stat is consulted.
    if (isMissing(error)) throw new NotFoundError(`no such image: ${name}`);
    throw error;
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG';
}
