/** Descriptive statistics over small samples (one value per benchmark run). */

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function requireValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} of an empty sample`);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear interpolation between order statistics (the "type 7" quantile, as R and numpy default to). */
export function quantile(values: readonly number[], q: number): number {
  requireValues(values, 'quantile');
  if (q < 0 || q > 1) throw new RangeError(`quantile ${q} outside [0, 1]`);
  const s = sorted(values);
  const position = (s.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return s[lower] + (s[upper] - s[lower]) * (position - lower);
}

export function mean(values: readonly number[]): number {
  requireValues(values, 'mean');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample variance (n - 1 in the denominator); 0 for a single value. */
export function variance(values: readonly number[]): number {
  requireValues(values, 'variance');
  if (values.length < 2) return 0;
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return sum / (values.length - 1);
}

export function standardDeviation(values: readonly number[]): number {
  return Math.sqrt(variance(values));
}

export function min(values: readonly number[]): number {
  requireValues(values, 'min');
  return values.reduce((a, b) => (b < a ? b : a));
}

export function max(values: readonly number[]): number {
  requireValues(values, 'max');
  return values.reduce((a, b) => (b > a ? b : a));
}
