import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrng } from '../src/workload/prng.ts';
import { createZipfSampler } from '../src/workload/zipf.ts';
import { ensureFileSet } from '../src/workload/fileset.ts';
import { ensureSingleFile } from '../src/workload/single-file.ts';
import { createRequestMix, FILES_PER_CLASS, listFiles, requestPathSequence, requestProbability, SIZE_CLASSES } from '../src/workload/specweb99.ts';

test('the Zipf sampler follows 1/k and is deterministic for a seed', () => {
  const zipf = createZipfSampler(10);
  const harmonic = Array.from({ length: 10 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(zipf.probability(0) - 1 / harmonic) < 1e-12);
  assert.ok(Math.abs(zipf.probability(4) - 1 / 5 / harmonic) < 1e-12);

  const draws = 200_000;
  const counts = new Array<number>(10).fill(0);
  const prng = createPrng(1);
  for (let i = 0; i < draws; i++) counts[zipf.sample(prng)]++;
  for (let k = 0; k < 10; k++) {
    const expected = zipf.probability(k) * draws;
    assert.ok(Math.abs(counts[k] - expected) < 5 * Math.sqrt(expected), `rank ${k}: ${counts[k]} vs ${expected}`);
  }
  // Rank 0 is twice as popular as rank 1.
  assert.ok(Math.abs(counts[0] / counts[1] - 2) < 0.05);

  const again = createPrng(1);
  const first = Array.from({ length: 20 }, () => zipf.sample(again));
  const replay = createPrng(1);
  assert.deepEqual(Array.from({ length: 20 }, () => zipf.sample(replay)), first);
  assert.throws(() => createZipfSampler(0), RangeError);
});

test('files fall in the four SPECweb99 size classes', () => {
  const files = listFiles({ directories: 2 });
  assert.equal(files.length, 2 * 4 * FILES_PER_CLASS);
  const ranges = [
    [100, 1000],
    [1000, 10_000],
    [10_000, 100_000],
    [100_000, 1_000_000],
  ];
  for (const file of files) {
    const [low, high] = ranges[file.sizeClass];
    assert.ok(file.bytes >= low && file.bytes < high, `${file.path}: ${file.bytes}`);
  }
  assert.equal(files.find((f) => f.path === '/dir00001/class3_9')?.bytes, 921_600);
});

test('the request mix matches the class shares and is the same for the same seed', () => {
  const options = { directories: 20 };
  const draws = 100_000;
  const next = createRequestMix(options, 99);
  const perClass = new Array<number>(4).fill(0);
  const perDirectory = new Array<number>(20).fill(0);
  for (let i = 0; i < draws; i++) {
    const draw = next();
    perClass[draw.sizeClass]++;
    perDirectory[draw.directory]++;
  }
  SIZE_CLASSES.forEach((sizeClass, i) => {
    const expected = sizeClass.requestShare * draws;
    assert.ok(Math.abs(perClass[i] - expected) < 5 * Math.sqrt(expected) + 1, `class ${i}: ${perClass[i]} vs ${expected}`);
  });
  // Zipf over directories: the first directory is requested more than the second, the second more than the tenth.
  assert.ok(perDirectory[0] > perDirectory[1] && perDirectory[1] > perDirectory[9]);

  // The probabilities of all files sum to 1.
  const total = listFiles(options).reduce((sum, file) => sum + requestProbability(options, file), 0);
  assert.ok(Math.abs(total - 1) < 1e-9);

  assert.deepEqual(requestPathSequence(options, 5, 50), requestPathSequence(options, 5, 50));
  assert.notDeepEqual(requestPathSequence(options, 5, 50), requestPathSequence(options, 6, 50));
});

test('the file set on disk is deterministic and reused when identical', async () => {
  const cacheA = await mkdtemp(join(tmpdir(), 'flux-bench-test-'));
  const cacheB = await mkdtemp(join(tmpdir(), 'flux-bench-test-'));
  try {
    const first = await ensureFileSet({ directories: 1, seed: 3, cacheDir: cacheA });
    const second = await ensureFileSet({ directories: 1, seed: 3, cacheDir: cacheB });
    assert.equal(first.reused, false);
    assert.equal(first.digest, second.digest);
    assert.equal(first.totalBytes, first.files.reduce((sum, f) => sum + f.bytes, 0));
    const sample = '/dir00000/class2_4';
    assert.deepEqual(await readFile(join(first.root, sample)), await readFile(join(second.root, sample)));
    assert.equal((await stat(join(first.root, sample))).size, 40_960);

    const again = await ensureFileSet({ directories: 1, seed: 3, cacheDir: cacheA });
    assert.equal(again.reused, true);
    assert.equal(again.digest, first.digest);

    const otherSeed = await ensureFileSet({ directories: 1, seed: 4, cacheDir: cacheA });
    assert.notEqual(otherSeed.digest, first.digest);

    // A staging folder left by a killed run (a pid that is gone) is cleaned up by the next write.
    const stale = join(cacheA, 'specweb99-0123456789abcdef.staging-999999999-abcd1234');
    await mkdir(stale);
    // A damaged set (a truncated file) is rewritten, not reused.
    await writeFile(join(first.root, sample), 'short');
    const repaired = await ensureFileSet({ directories: 1, seed: 3, cacheDir: cacheA });
    assert.equal(repaired.reused, false);
    assert.equal(repaired.digest, first.digest);
    assert.equal(existsSync(stale), false);
  } finally {
    await rm(cacheA, { recursive: true, force: true });
    await rm(cacheB, { recursive: true, force: true });
  }
});

test('the single-file workload writes one seeded file of the asked size, and reuses it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-single-'));
  try {
    const first = await ensureSingleFile({ bytes: 10240, seed: 3, cacheDir: dir });
    assert.equal(first.reused, false);
    assert.equal(first.path, '/single/file_10240');
    const bytes = await readFile(join(first.root, first.path));
    assert.equal(bytes.length, 10240);
    const again = await ensureSingleFile({ bytes: 10240, seed: 3, cacheDir: dir });
    assert.equal(again.reused, true);
    assert.equal(again.digest, first.digest);
    const other = await ensureSingleFile({ bytes: 10240, seed: 4, cacheDir: dir });
    assert.notEqual(other.digest, first.digest, 'another seed, other bytes');
    assert.equal((await ensureSingleFile({ bytes: 100, seed: 3, cacheDir: dir })).bytes, 100);
    assert.equal((await stat(first.root)).mode & 0o777, 0o755, 'readable by nginx workers');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
