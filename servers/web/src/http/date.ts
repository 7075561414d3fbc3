/** The current HTTP-date, formatted at most once per second. */

let cachedSecond = -1;
let cachedDate = '';

export function httpDate(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}

/** Parses an HTTP-date (IMF-fixdate, or the obsolete forms Date.parse reads); NaN when it is not one. */
export function parseHttpDate(value: string): number {
  return Date.parse(value);
}
