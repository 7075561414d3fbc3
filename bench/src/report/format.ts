/** Number formatting for tables and messages. */

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
