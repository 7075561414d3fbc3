/** Why an MSE handshake failed; `code` is stable for callers and tests. */
export type MseErrorCode =
  | 'MSE_TIMEOUT'
  | 'MSE_CLOSED'
  | 'MSE_BAD_KEY'
  | 'MSE_NO_SYNC'
  | 'MSE_UNKNOWN_INFO_HASH'
  | 'MSE_BAD_VC'
  | 'MSE_BAD_PAD'
  | 'MSE_NO_COMMON_METHOD'
  | 'MSE_BAD_SELECT';

export class MseError extends Error {
  readonly code: MseErrorCode;
  constructor(code: MseErrorCode, message: string) {
    super(`MSE handshake: ${message}`);
    this.name = 'MseError';
    this.code = code;
  }
}
