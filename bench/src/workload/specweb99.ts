/**
 * The SPECweb99-like static file set and its request mix.
 *
 * Each directory holds four size classes of nine files: class 0 is 0.1-0.9 KB, class 1 1-9 KB, class 2
 * 10-90 KB, class 3 100-900 KB (file i of class c is i x 102.4 x 10^c bytes, as in SPECweb99). A request
 * picks a directory by Zipf over directories, a class with probability 35% / 50% / 14% / 1%, and a file
 * within the class by Zipf over its nine files (the most popular in the middle, as SPECweb99 orders them).
 */
import { createPrng, type Prng } from './prng.ts';
import { createWeightedSampler, createZipfSampler } from './zipf.ts';

export interface SizeClass {
  readonly index: number;
  /** Size of file 1 of the class, in bytes; file i is i times this. */
  readonly unitBytes: number;
  /** Share of requests that go to this class. */
  readonly requestShare: number;
}

export const SIZE_CLASSES: readonly SizeClass[] = [
  { index: 0, unitBytes: 102.4, requestShare: 0.35 },
  { index: 1, unitBytes: 1024, requestShare: 0.5 },
  { index: 2, unitBytes: 10240, requestShare: 0.14 },
  { index: 3, unitBytes: 102400, requestShare: 0.01 },
];

export const FILES_PER_CLASS = 9;

/** Popularity rank (0 = most requested) of files 1..9 within a class: a Zipf peak in the middle of the class. */
const FILE_POPULARITY_RANK = [8, 5, 3, 1, 0, 2, 4, 6, 7];

export interface SpecWebOptions {
  /** Number of directories (each about 5 MB). */
  readonly directories: number;
  /** Zipf exponent over directories. */
  readonly directoryExponent?: number;
}

export interface FileEntry {
  /** URL path, e.g. `/dir00003/class2_7`. */
  readonly path: string;
  readonly directory: number;
  readonly sizeClass: number;
  /** 1..9 */
  readonly fileNumber: number;
  readonly bytes: number;
}

export function fileSize(sizeClass: number, fileNumber: number): number {
  return Math.round(SIZE_CLASSES[sizeClass].unitBytes * fileNumber);
}

export function directoryName(directory: number): string {
  return `dir${String(directory).padStart(5, '0')}`;
}

export function filePath(directory: number, sizeClass: number, fileNumber: number): string {
  return `/${directoryName(directory)}/class${sizeClass}_${fileNumber}`;
}

export function listFiles(options: SpecWebOptions): FileEntry[] {
  const files: FileEntry[] = [];
  for (let d = 0; d < options.directories; d++) {
    for (const sizeClass of SIZE_CLASSES) {
      for (let f = 1; f <= FILES_PER_CLASS; f++) {
        files.push({ path: filePath(d, sizeClass.index, f), directory: d, sizeClass: sizeClass.index, fileNumber: f, bytes: fileSize(sizeClass.index, f) });
      }
    }
  }
  return files;
}

/** Probability that one request asks for the given file. */
export function requestProbability(options: SpecWebOptions, file: Pick<FileEntry, 'directory' | 'sizeClass' | 'fileNumber'>): number {
  const directories = createZipfSampler(options.directories, options.directoryExponent ?? 1);
  const withinClass = createZipfSampler(FILES_PER_CLASS, 1);
  return (
    directories.probability(file.directory) *
    SIZE_CLASSES[file.sizeClass].requestShare *
    withinClass.probability(FILE_POPULARITY_RANK[file.fileNumber - 1])
  );
}

export interface RequestDraw {
  readonly directory: number;
  readonly sizeClass: number;
  readonly fileNumber: number;
  readonly path: string;
}

/** A seeded generator of requests following the SPECweb99-like mix. */
export function createRequestMix(options: SpecWebOptions, seed: number): () => RequestDraw {
  const prng: Prng = createPrng(seed);
  const directories = createZipfSampler(options.directories, options.directoryExponent ?? 1);
  const classes = createWeightedSampler(SIZE_CLASSES.map((c) => c.requestShare));
  const withinClass = createZipfSampler(FILES_PER_CLASS, 1);
  const fileByRank = FILE_POPULARITY_RANK.map((_, rank) => FILE_POPULARITY_RANK.indexOf(rank) + 1);
  return () => {
    const directory = directories.sample(prng);
    const sizeClass = classes(prng);
    const fileNumber = fileByRank[withinClass.sample(prng)];
    return { directory, sizeClass, fileNumber, path: filePath(directory, sizeClass, fileNumber) };
  };
}

/** A fixed, seeded sequence of request paths (the load client cycles through it). */
export function requestPathSequence(options: SpecWebOptions, seed: number, length: number): string[] {
  const next = createRequestMix(options, seed);
  return Array.from({ length }, () => next().path);
}
