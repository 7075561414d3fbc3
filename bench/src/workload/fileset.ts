/**
 * Writes the SPECweb99-like file set to disk, deterministically (same options and seed, same bytes), and reuses
 * a set already written with the same options. The set is written to a staging folder and renamed into place,
 * so a half-written set (an interrupted run) is never reused.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrng } from './prng.ts';
import { directoryName, listFiles, type FileEntry, type SpecWebOptions } from './specweb99.ts';

/** Bump when the layout or the content generator changes: older cached sets are then not reused. */
export const FILESET_GENERATOR_VERSION = 1;

const MANIFEST = 'manifest.json';

export interface FileSetOptions {
  readonly directories: number;
  readonly seed: number;
  /** Folder that holds cached file sets; defaults to `<os tmpdir>/flux-bench`. */
  readonly cacheDir?: string;
}

export interface FileSet {
  readonly root: string;
  readonly files: readonly FileEntry[];
  readonly totalBytes: number;
  /** sha256 over every file's path and bytes, in listing order. */
  readonly digest: string;
  /** True when an identical set already on disk was reused. */
  readonly reused: boolean;
}

interface Manifest {
  readonly generatorVersion: number;
  readonly directories: number;
  readonly seed: number;
  readonly totalBytes: number;
  readonly fileCount: number;
  readonly digest: string;
}

export function defaultCacheDir(): string {
  return join(tmpdir(), 'flux-bench');
}

export function fileSetKey(options: FileSetOptions): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: FILESET_GENERATOR_VERSION, directories: options.directories, seed: options.seed }))
    .digest('hex')
    .slice(0, 16);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 \n.,');

/** The bytes of one file: printable text drawn from a PRNG seeded by the set's seed and the file's path. */
export function fileContent(seed: number, file: Pick<FileEntry, 'path' | 'bytes'>): Buffer {
  const prng = createPrng((seed ^ fnv1a(file.path)) >>> 0);
  const out = Buffer.allocUnsafe(file.bytes);
  let i = 0;
  while (i < file.bytes) {
    let word = prng.nextUint32();
    for (let k = 0; k < 4 && i < file.bytes; k++, i++) {
      out[i] = ALPHABET[word & 63];
      word >>>= 8;
    }
  }
  return out;
}

async function readManifest(root: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(join(root, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

async function isIntact(root: string, options: FileSetOptions, files: readonly FileEntry[]): Promise<Manifest | undefined> {
  const manifest = await readManifest(root);
  if (
    !manifest ||
    manifest.generatorVersion !== FILESET_GENERATOR_VERSION ||
    manifest.directories !== options.directories ||
    manifest.seed !== options.seed ||
    manifest.fileCount !== files.length
  ) {
    return undefined;
  }
  // Sizes only: re-hashing hundreds of megabytes on every run would cost more than it protects.
  for (const file of files) {
    try {
      const info = await stat(join(root, file.path));
      if (!info.isFile() || info.size !== file.bytes) return undefined;
    } catch {
      return undefined;
    }
  }
  return manifest;
}

async function writeSet(staging: string, options: FileSetOptions, files: readonly FileEntry[]): Promise<Manifest> {
  const digest = createHash('sha256');
  let totalBytes = 0;
  for (let d = 0; d < options.directories; d++) await mkdir(join(staging, directoryName(d)), { recursive: true, mode: 0o755 });
  for (const file of files) {
    const content = fileContent(options.seed, file);
    digest.update(file.path).update(content);
    totalBytes += content.length;
    const stream = createWriteStream(join(staging, file.path), { mode: 0o644 });
    if (!stream.write(content)) await once(stream, 'drain');
    stream.end();
    await once(stream, 'finish');
  }
  const manifest: Manifest = {
    generatorVersion: FILESET_GENERATOR_VERSION,
    directories: options.directories,
    seed: options.seed,
    totalBytes,
    fileCount: files.length,
    digest: digest.digest('hex'),
  };
  await writeFile(join(staging, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging folders left by runs that were killed while writing (their process is gone). */
async function removeStaleStaging(cacheDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(cacheDir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^specweb99-[0-9a-f]+\.staging-(\d+)-[0-9a-f]+$/.exec(name);
    if (match && Number(match[1]) !== process.pid && !isAlive(Number(match[1]))) {
      await rm(join(cacheDir, name), { recursive: true, force: true });
    }
  }
}

/** Returns the file set for these options, writing it only when no intact identical set exists. */
export async function ensureFileSet(options: FileSetOptions): Promise<FileSet> {
  if (!Number.isInteger(options.directories) || options.directories < 1) {
    throw new RangeError(`directories must be a positive integer, got ${options.directories}`);
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const root = join(cacheDir, `specweb99-${fileSetKey(options)}`);
  const spec: SpecWebOptions = { directories: options.directories };
  const files = listFiles(spec);
  const existing = await isIntact(root, options, files);
  if (existing) return { root, files, totalBytes: existing.totalBytes, digest: existing.digest, reused: true };

  await mkdir(cacheDir, { recursive: true, mode: 0o755 });
  await removeStaleStaging(cacheDir);
  const staging = `${root}.staging-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const manifest = await writeSet(staging, options, files);
    await rm(root, { recursive: true, force: true });
    try {
      await rename(staging, root);
    } catch (error) {
      // Another run may have put an identical set in place first: use it if it is intact.
      const raced = await isIntact(root, options, files);
      if (!raced) throw error;
    }
    // Readable by other users too: nginx workers drop privileges.
    await chmod(root, 0o755);
    return { root, files, totalBytes: manifest.totalBytes, digest: manifest.digest, reused: false };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
