/** Parsing and checking of command-line values. */
import { BenchError, benchCodes } from '../errors.ts';

export function parsePositiveInteger(flag: string, raw: string, { allowZero = false } = {}): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new BenchError(benchCodes.USAGE, `${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${raw}"`);
  }
  return value;
}

export function parsePositiveNumber(flag: string, raw: string, { allowZero = false } = {}): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new BenchError(benchCodes.USAGE, `${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`);
  }
  return value;
}

export function parseIntegerList(flag: string, raw: string): number[] {
  const values = raw.split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => parsePositiveInteger(flag, part));
  if (values.length === 0) throw new BenchError(benchCodes.USAGE, `${flag} needs at least one value`);
  return [...new Set(values)].sort((a, b) => a - b);
}

/** `all`, `none`, or a comma list of names from `known` (any names when `known` is undefined; then not `all`). */
export function parseNameList(flag: string, raw: string, known: readonly string[] | undefined): string[] {
  const trimmed = raw.trim();
  if (trimmed === 'all' && known) return [...known];
  if (trimmed === 'none' || trimmed === '') return [];
  const names = [...new Set(trimmed.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (!known) return names;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new BenchError(benchCodes.USAGE, `${flag}: unknown ${unknown.join(', ')} (known: ${known.join(', ')}, or all, or none)`);
  }
  return names;
}
