/**
 * Reads "tick" and "time" from a state frame without parsing it: a bot receives up to 20 frames a second that can
 * hold thousands of players, and a JSON.parse of each would make the bots, not the server, the bottleneck.
 *
 *   readStateHeader(Buffer.from('{"type":"state","tick":7,"time":1700000000123,"it":"1","players":[...]}'))
 *   // { tick: 7, time: 1700000000123 }; undefined for any other message
 *
 * A JSON string value cannot hold `"tick":` unescaped, so the first match is the key whatever the field order.
 */

const STATE = Buffer.from('"type":"state"');
const TICK = Buffer.from('"tick":');
const TIME = Buffer.from('"time":');

export interface StateHeader {
  readonly tick: number;
  readonly time: number;
}

/** The number (integer or decimal, optional minus) starting at `offset`, or NaN. */
function numberAt(frame: Buffer, offset: number): number {
  let i = offset;
  while (i < frame.length && frame[i] === 0x20) i++;
  let negative = false;
  if (frame[i] === 0x2d) {
    negative = true;
    i++;
  }
  let value = 0;
  let digits = 0;
  while (i < frame.length) {
    const c = frame[i];
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    digits++;
    i++;
  }
  if (frame[i] === 0x2e) {
    let scale = 0.1;
    i++;
    while (i < frame.length) {
      const c = frame[i];
      if (c < 0x30 || c > 0x39) break;
      value += (c - 0x30) * scale;
      scale /= 10;
      digits++;
      i++;
    }
  }
  if (digits === 0) return Number.NaN;
  return negative ? -value : value;
}

export function readStateHeader(frame: Buffer): StateHeader | undefined {
  if (frame.indexOf(STATE) < 0) return undefined;
  const tickAt = frame.indexOf(TICK);
  const timeAt = frame.indexOf(TIME);
  if (tickAt < 0 || timeAt < 0) return undefined;
  const tick = numberAt(frame, tickAt + TICK.length);
  const time = numberAt(frame, timeAt + TIME.length);
  if (Number.isNaN(tick) || Number.isNaN(time)) return undefined;
  return { tick, time };
}
