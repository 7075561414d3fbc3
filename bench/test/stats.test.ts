import { test } from 'node:test';
import assert from 'node:assert/strict';
import { max, mean, median, min, quantile, standardDeviation } from '../src/stats/descriptive.ts';
import { regularizedIncompleteBeta, studentTTwoSidedP } from '../src/stats/distributions.ts';
import { InsufficientSamplesError, mannWhitneyU, welchTTest } from '../src/stats/tests.ts';

const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('median and quantiles interpolate between order statistics', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.equal(min([3, -1, 2]), -1);
  assert.equal(max([3, -1, 2]), 3);
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  close(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]), 2.138089935, 1e-9);
  assert.throws(() => median([]), RangeError);
});

test('the t distribution matches known values', () => {
  close(regularizedIncompleteBeta(0.5, 2, 3), 0.6875, 1e-12);
  // Two-sided p for t = 2.228 with 10 df is the textbook 0.05.
  close(studentTTwoSidedP(2.228138852, 10), 0.05, 1e-7);
  close(studentTTwoSidedP(0, 4), 1, 1e-12);
});

test("Welch's t-test matches reference values (scipy.stats.ttest_ind, equal_var=False)", () => {
  const small = welchTTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
  close(small.statistic, -1.8973665961010275, 1e-9);
  close(small.df!, 5.882352941176471, 1e-9);
  close(small.p, 0.10753119493062728, 1e-8);

  const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
  const larger = welchTTest(a, b);
  close(larger.statistic, -2.455356398286006, 1e-9);
  close(larger.df!, 24.988529290231416, 1e-9);
  close(larger.p, 0.021378001462866992, 1e-8);

  assert.throws(() => welchTTest([1], [2, 3]), InsufficientSamplesError);
  assert.equal(welchTTest([5, 5], [5, 5]).p, 1);
  assert.equal(welchTTest([5, 5], [6, 6]).p, 0);
});

test('the Mann-Whitney U test matches reference values (scipy.stats.mannwhitneyu)', () => {
  const separated = mannWhitneyU([1, 2, 3, 4], [5, 6, 7, 8]);
  assert.equal(separated.statistic, 0);
  close(separated.p, 0.02857142857142857, 1e-12);

  const exact = mannWhitneyU([1.1, 2.2, 3.3, 4.4, 9], [5, 6, 7, 8, 10, 11]);
  assert.equal(exact.statistic, 4);
  close(exact.p, 0.05194805194805195, 1e-12);

  // Ties: the normal approximation with tie and continuity corrections.
  const tied = mannWhitneyU(
    [1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
    [3, 4, 5, 7, 8, 9, 12, 13, 15, 17, 20, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32],
  );
  assert.equal(tied.statistic, 126);
  close(tied.p, 0.004056922112189571, 1e-6);
});
