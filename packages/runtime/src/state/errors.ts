/** Errors raised by the shared-memory state structures. Each carries a stable `code` (FLUX_ERR_STATE_*). */

export class StateError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'StateError';
  }
}

export const stateCodes = {
  /** Options out of range (capacity, block size, entry count). */
  BAD_OPTIONS: 'FLUX_ERR_STATE_BAD_OPTIONS',
  /** The shared buffer is too small for the requested layout, or holds a different layout or structure. */
  BAD_BUFFER: 'FLUX_ERR_STATE_BAD_BUFFER',
  /** A slot number that names no live entry. */
  BAD_SLOT: 'FLUX_ERR_STATE_BAD_SLOT',
} as const;
