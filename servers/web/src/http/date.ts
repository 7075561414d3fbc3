/** Reading HTTP-dates (writing them is the runtime's `httpDate`, @flux/runtime/http/date.ts). */

/** Parses an HTTP-date (IMF-fixdate, or the obsolete forms Date.parse reads); NaN when it is not one. */
export function parseHttpDate(value: string): number {
  return Date.parse(value);
}
