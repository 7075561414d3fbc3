/** Number formatting for tables and messages. */
import type { MetricFormat } from '../scenario.ts';

export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatMegabytes(bytesPerSecond: number): string {
  return (bytesPerSecond / 1e6).toFixed(1);
}

export function formatMs(ms: number): string {
  if (ms < 1) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toString();
}

export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined ? '' : `${ratio.toFixed(2)}x`;
}

export function formatPercent(fraction: number, signed = false): string {
  const text = `${(fraction * 100).toFixed(1)}%`;
  return signed && fraction > 0 ? `+${text}` : text;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** A scenario metric's value, as its format says (src/scenario.ts). */
export function formatMetric(format: MetricFormat, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  switch (format) {
    case 'rate':
      return formatRate(value);
    case 'number':
      return Math.abs(value) >= 100 ? formatRate(value) : value.toFixed(1);
    case 'ms':
      return formatMs(value);
    case 'percent':
      return formatPercent(value);
    case 'megabytes':
      return formatMegabytes(value);
    case 'flag':
      return value >= 0.5 ? 'yes' : 'no';
  }
}
