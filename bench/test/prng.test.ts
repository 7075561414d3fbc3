import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrng } from '../src/workload/prng.ts';

test('the same seed gives the same sequence, another seed another', () => {
  const take = (seed: number) => {
    const prng = createPrng(seed);
    return Array.from({ length: 8 }, () => prng.nextUint32());
  };
  assert.deepEqual(take(42), take(42));
  assert.notDeepEqual(take(42), take(43));
});

test('floats lie in [0, 1) and spread evenly', () => {
  const prng = createPrng(7);
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const x = prng.next();
    assert.ok(x >= 0 && x < 1);
    buckets[Math.floor(x * 10)]++;
  }
  for (const count of buckets) assert.ok(Math.abs(count - 10_000) < 600, `bucket ${count}`);
});
