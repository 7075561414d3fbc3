import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketBounds, bucketOf, LogHistogram, MAX_BUCKET, mean, mergeHistograms, quantile } from '../../src/stats/histogram.ts';

describe('LogHistogram', () => {
  it('puts a value in the bucket whose bounds hold it, 4 per doubling', () => {
    for (const us of [1, 1.1, 1.2, 1.5, 2, 3, 7.9, 100, 1234.5, 1e6, 3.7e9]) {
      const [low, high] = bucketBounds(bucketOf(us));
      assert.ok(us >= low && us < high, `${us} in [${low}, ${high})`);
    }
    assert.equal(bucketOf(2), 4);
    assert.equal(bucketOf(4), 8);
    assert.equal(bucketOf(0.3), 0, 'below 1 µs goes to bucket 0');
    assert.equal(bucketOf(-5), 0, 'a clock that went backwards does not throw');
    assert.equal(bucketOf(Number.NaN), 0);
    assert.equal(bucketOf(1e300), MAX_BUCKET);
    assert.deepEqual(bucketBounds(0), [0, 2 ** 0.25]);
  });

  it('keeps count, sum, min, max and trims trailing empty buckets', () => {
    const h = new LogHistogram();
    assert.deepEqual(h.toJSON(), { scale: 'log2/4-us', count: 0, sumUs: 0, minUs: 0, maxUs: 0, buckets: [] });
    h.record(2);
    h.record(4);
    h.record(0.5);
    const j = h.toJSON();
    assert.equal(j.count, 3);
    assert.equal(j.sumUs, 6.5);
    assert.equal(j.minUs, 0.5);
    assert.equal(j.maxUs, 4);
    assert.equal(j.buckets.length, 9);
    assert.deepEqual([j.buckets[0], j.buckets[4], j.buckets[8]], [1, 1, 1]);
    assert.equal(mean(j), 6.5 / 3);
    assert.deepEqual(JSON.parse(JSON.stringify(j)), j);
  });

  it('merges histograms of different lengths as if one had recorded everything', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    const all = new LogHistogram();
    for (let i = 1; i < 500; i++) {
      const v = (i * 37) % 1000;
      (i % 3 === 0 ? a : b).record(v);
      all.record(v);
    }
    b.record(1e6);
    all.record(1e6);
    assert.deepEqual(mergeHistograms([a.toJSON(), undefined, b.toJSON()]), all.toJSON());
    const c = LogHistogram.from(a.toJSON());
    c.merge(b.toJSON());
    assert.deepEqual(c.toJSON(), all.toJSON());
  });

  it('interpolates quantiles within a bucket, within about a bucket width of the true value', () => {
    const h = new LogHistogram();
    const values: number[] = [];
    for (let i = 1; i <= 10000; i++) {
      const v = 10 + (i % 1000) * 3.1;
      values.push(v);
      h.record(v);
    }
    values.sort((x, y) => x - y);
    const j = h.toJSON();
    for (const q of [0.1, 0.5, 0.9, 0.99]) {
      const exact = values[Math.ceil(q * values.length) - 1]!;
      const got = quantile(j, q);
      assert.ok(Math.abs(got - exact) / exact < 0.1, `q${q}: ${got} vs ${exact}`);
    }
    assert.equal(quantile(j, 0), j.minUs);
    assert.equal(quantile(j, 1), j.maxUs);
    assert.equal(quantile(new LogHistogram().toJSON(), 0.5), 0);
    const one = new LogHistogram();
    one.record(123);
    assert.equal(quantile(one.toJSON(), 0.5), 123, 'clamped to min and max');
  });
});
