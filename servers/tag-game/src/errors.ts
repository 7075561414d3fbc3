/** Errors a message flow fails with; their `code` reaches Listen in the flow's outcome, which closes with CLOSE_FOR[code]. */

import { CLOSE } from './game/parse.ts';

export class TagError extends Error {
  readonly code: string;
  override readonly name = 'TagError';
  constructor(code: keyof typeof CLOSE_FOR, message: string) {
    super(message);
    this.code = code;
  }
}

/** The WebSocket close code for each error code (anything else: 1011, internal error). */
export const CLOSE_FOR = {
  TAG_MALFORMED: CLOSE.malformed,
  TAG_UNKNOWN_TYPE: CLOSE.unknownType,
  TAG_NOT_JOINED: CLOSE.badSequence,
  TAG_ALREADY_JOINED: CLOSE.badSequence,
  TAG_UNKNOWN_TOKEN: CLOSE.unknownToken,
  TAG_FULL: CLOSE.full,
} as const;

export function closeCodeFor(code: string): number {
  return (CLOSE_FOR as Record<string, number>)[code] ?? 1011;
}
