/** The current HTTP-date (IMF-fixdate), formatted at most once per second. */

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
