/**
 * The single-file workload: one file of a given size (10 KiB by default), asked for on every request. It
 * measures a server's per-request cost on a cache hit alone, without the SPECweb99 mix's large files and
 * misses. Written deterministically (the same seeded bytes as the file set's) into its own folder under the
 * cache dir, through a staging file, and reused while its size and manifest match.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir, fileContent } from './fileset.ts';

/** Bump when the layout or the content changes: older folders are then not reused. */
export const SINGLE_FILE_VERSION = 1;
export const DEFAULT_SINGLE_FILE_BYTES = 10240;
const MANIFEST = 'manifest.json';

export interface SingleFileOptions {
  readonly bytes: number;
  readonly seed: number;
  readonly cacheDir?: string;
}

export interface SingleFile {
  /** The folder to serve. */
  readonly root: string;
  /** The URL path of the file, e.g. `/single/file_10240`. */
  readonly path: string;
  readonly bytes: number;
  /** sha256 over the path and the bytes. */
  readonly digest: string;
  readonly reused: boolean;
}

interface Manifest {
  readonly version: number;
  readonly bytes: number;
  readonly seed: number;
  readonly digest: string;
}

export function singleFilePath(bytes: number): string {
  return `/single/file_${bytes}`;
}

export async function ensureSingleFile(options: SingleFileOptions): Promise<SingleFile> {
  const { bytes, seed } = options;
  if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`file bytes must be a non-negative integer, got ${bytes}`);
  const root = join(options.cacheDir ?? defaultCacheDir(), `single-v${SINGLE_FILE_VERSION}-${bytes}-${seed}`);
  const path = singleFilePath(bytes);
  const file = join(root, path);
  try {
    const manifest = JSON.parse(await readFile(join(root, MANIFEST), 'utf8')) as Manifest;
    const info = await stat(file);
    if (manifest.version === SINGLE_FILE_VERSION && manifest.bytes === bytes && manifest.seed === seed && info.isFile() && info.size === bytes) {
      return { root, path, bytes, digest: manifest.digest, reused: true };
    }
  } catch {
    // Not there yet, or damaged: write it.
  }
  const content = fileContent(seed, { path, bytes });
  const digest = createHash('sha256').update(path).update(content).digest('hex');
  const staging = `${root}.staging-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(join(staging, 'single'), { recursive: true, mode: 0o755 });
    await writeFile(join(staging, path), content, { mode: 0o644 });
    const manifest: Manifest = { version: SINGLE_FILE_VERSION, bytes, seed, digest };
    await writeFile(join(staging, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    await rm(root, { recursive: true, force: true });
    await rename(staging, root);
    // Readable by other users too: nginx workers drop privileges.
    await chmod(root, 0o755);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { root, path, bytes, digest, reused: false };
}
