import type { Source } from './source.ts';

/** A half-open range of offsets [start, end) into a source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** 1-based line and column, as editors show them. */
export interface SourceLocation {
  readonly line: number;
  readonly column: number;
}

export function getLocation(source: Source, offset: number): SourceLocation {
  const starts = source.lineStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low] + 1 };
}

/** The text of a 1-based line, without its line terminator. */
export function getLineText(source: Source, line: number): string {
  const start = source.lineStarts[line - 1];
  if (start === undefined) return '';
  const next = source.lineStarts[line];
  let end = next === undefined ? source.body.length : next;
  while (end > start && (source.body[end - 1] === '\n' || source.body[end - 1] === '\r')) end--;
  return source.body.slice(start, end);
}

export function spanOf(start: { readonly start: number }, end: { readonly end: number }): Span {
  return { start: start.start, end: end.end };
}
