/**
 * Client messages (text frames of JSON) and the close codes of the protocol.
 *
 *   parseClientMessage('{"type":"input","seq":3,"dx":1,"dy":-0.5}')  // { type: 'input', seq: 3, dx: 1, dy: -0.5 }
 *   parseClientMessage('nope')                                     // { error: 'malformed', reason }
 *   parseClientMessage('{"type":"fly"}')                           // { error: 'unknown-type', reason }
 *
 * dx and dy must be finite numbers; their range is not checked here (the world clamps them). Extra fields are
 * ignored.
 */

export type ClientMessage =
  | { readonly type: 'join'; readonly name: string; readonly token?: undefined }
  | { readonly type: 'join'; readonly token: string; readonly name?: undefined }
  | { readonly type: 'input'; readonly seq: number; readonly dx: number; readonly dy: number };

export interface ParseError {
  readonly error: 'malformed' | 'unknown-type';
  readonly reason: string;
}

/** WebSocket close codes the server sends (1001 and 1009 are the standard ones; 4000-4099 are this protocol's). */
export const CLOSE = {
  /** The server is stopping. */
  goingAway: 1001,
  /** A frame over maxPayload (closed by ws itself). */
  tooBig: 1009,
  /** Not JSON, not an object, or a field of the wrong type. */
  malformed: 4000,
  /** A "type" the server does not know. */
  unknownType: 4001,
  /** More messages than the rate limit allows. */
  rateLimited: 4002,
  /** An input before a join, or a second join on the same connection. */
  badSequence: 4003,
  /** A rejoin with a token the server does not hold (never issued, or its grace period ran out). */
  unknownToken: 4004,
  /** The world holds maxPlayers already. */
  full: 4005,
  /** The connection stayed behind (unsent bytes over the bound) for longer than the server allows. */
  tooSlow: 4006,
  /** No message or pong within the idle timeout. */
  idle: 4007,
  /** The same player rejoined on another connection. */
  replaced: 4008,
} as const;

export function parseClientMessage(text: string): ClientMessage | ParseError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'malformed', reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'malformed', reason: 'not a JSON object' };
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'input': {
      const { seq, dx, dy } = message;
      if (!isFiniteNumber(seq) || !isFiniteNumber(dx) || !isFiniteNumber(dy)) {
        return { error: 'malformed', reason: 'input needs numbers seq, dx and dy' };
      }
      return { type: 'input', seq, dx, dy };
    }
    case 'join': {
      if (typeof message.token === 'string' && message.token !== '') return { type: 'join', token: message.token };
      if (message.name === undefined) return { type: 'join', name: '' };
      if (typeof message.name !== 'string') return { error: 'malformed', reason: 'join needs a string name or token' };
      return { type: 'join', name: message.name };
    }
    default:
      return typeof message.type === 'string'
        ? { error: 'unknown-type', reason: `unknown type ${JSON.stringify(message.type.slice(0, 32))}` }
        : { error: 'malformed', reason: 'no string "type"' };
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
