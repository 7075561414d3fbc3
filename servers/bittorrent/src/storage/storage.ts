/**
 * The torrent's files on disk. A torrent is one stream of bytes cut into pieces; files lie end to end in it, so a
 * block can span two files. Reads and writes are positional (pread / pwrite on descriptors this thread opened),
 * so any thread may read or write any block without a shared file position.
 */

import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Metainfo } from '../metainfo/metainfo.ts';

export class StorageError extends Error {
  readonly code = 'BT_ERR_STORAGE';
}

export class Storage {
  readonly meta: Metainfo;
  private readonly fds: number[];
  private readonly starts: number[];
  /** Each file's size when it was opened: bytes past it were never written by anyone. */
  private readonly sizesBefore: number[] = [];

  /** Opens (and, when `writable`, creates and sizes) every file under `root`. */
  constructor(meta: Metainfo, root: string, writable: boolean) {
    this.meta = meta;
    this.starts = meta.files.map((f) => f.offset);
    this.fds = [];
    try {
      for (const f of meta.files) {
        const path = join(root, f.path);
        if (writable) {
          mkdirSync(dirname(path), { recursive: true });
          const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
          this.fds.push(fd);
          const size = fstatSync(fd).size;
          this.sizesBefore.push(size);
          if (size < f.length) ftruncateSync(fd, f.length);
        } else {
          const fd = openSync(path, 'r');
          this.fds.push(fd);
          this.sizesBefore.push(fstatSync(fd).size);
        }
      }
    } catch (error) {
      this.close();
      throw new StorageError(`cannot open the torrent's files under ${root}: ${(error as Error).message}`);
    }
  }

  pieceSize(piece: number): number {
    return piece === this.meta.numPieces - 1 ? this.meta.lastPieceLength : this.meta.pieceLength;
  }

  /** Reads `length` bytes at torrent offset `offset` into `into` at `at`. */
  readAt(offset: number, into: Uint8Array, at: number, length: number): void {
    this.each(offset, length, (fd, fileOffset, n, done) => {
      const got = readSync(fd, into, at + done, n, fileOffset);
      if (got < n) into.fill(0, at + done + got, at + done + n);
    });
  }

  writeAt(offset: number, data: Uint8Array): void {
    this.each(offset, data.length, (fd, fileOffset, n, done) => {
      let written = 0;
      while (written < n) written += writeSync(fd, data, done + written, n - written, fileOffset + written);
    });
  }

  read(piece: number, begin: number, into: Uint8Array, at: number, length: number): void {
    this.readAt(piece * this.meta.pieceLength + begin, into, at, length);
  }

  write(piece: number, begin: number, data: Uint8Array): void {
    this.writeAt(piece * this.meta.pieceLength + begin, data);
  }

  readPiece(piece: number): Buffer {
    const b = Buffer.allocUnsafe(this.pieceSize(piece));
    this.read(piece, 0, b, 0, b.length);
    return b;
  }

  /** Whether the piece on disk matches its SHA-1. */
  verify(piece: number, data: Uint8Array = this.readPiece(piece)): boolean {
    const digest = createHash('sha1').update(data).digest();
    return digest.equals(this.meta.pieceHashes.subarray(piece * 20, piece * 20 + 20));
  }

  /** Whether any byte of the piece lay in the files as they were before this run (else it cannot be there). */
  mayHoldData(piece: number): boolean {
    let found = false;
    this.each(piece * this.meta.pieceLength, this.pieceSize(piece), (_fd, fileOffset, _n, _done) => {
      found ||= fileOffset < this.sizesBefore[this.fdIndex]!;
    });
    return found;
  }

  close(): void {
    for (const fd of this.fds.splice(0)) {
      try { closeSync(fd); } catch { /* already closed */ }
    }
  }

  private fdIndex = 0;

  private each(offset: number, length: number, fn: (fd: number, fileOffset: number, n: number, done: number) => void): void {
    const files = this.meta.files;
    let i = fileIndexAt(this.starts, offset);
    let done = 0;
    while (done < length && i < files.length) {
      const f = files[i]!;
      const within = offset + done - f.offset;
      const n = Math.min(length - done, f.length - within);
      this.fdIndex = i;
      if (n > 0) fn(this.fds[i]!, within, n, done);
      done += Math.max(n, 0);
      i++;
    }
  }
}

/** The last file starting at or before `offset` (files of length 0 are stepped over by the caller's loop). */
function fileIndexAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  // Step back over empty files that share this start, so none is skipped.
  while (lo > 0 && starts[lo - 1] === starts[lo]) lo--;
  return lo;
}
