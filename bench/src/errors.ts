/** Errors the harness reports, each with a stable code (searchable, testable). */

export const benchCodes = {
  /** A target did not print its URL (or answer its probe) in time. */
  TARGET_TIMEOUT: 'BENCH_ERR_TARGET_TIMEOUT',
  /** A target exited before it was ready. */
  TARGET_EXITED: 'BENCH_ERR_TARGET_EXITED',
  /** A target's command could not be started at all. */
  TARGET_SPAWN: 'BENCH_ERR_TARGET_SPAWN',
  /** A target announced an address other than 127.0.0.1. */
  NOT_LOOPBACK: 'BENCH_ERR_NOT_LOOPBACK',
  /** The load client process failed, exited or overran its time. */
  LOAD_CLIENT: 'BENCH_ERR_LOAD_CLIENT',
  /** A command-line value is malformed. */
  USAGE: 'BENCH_ERR_USAGE',
  /** A profile needs something that is not there (e.g. the Flux server). */
  UNAVAILABLE: 'BENCH_ERR_UNAVAILABLE',
  /** A stored run (history record or file) could not be found or read. */
  RECORD: 'BENCH_ERR_RECORD',
  /** The whole invocation ran past its time bound. */
  DEADLINE: 'BENCH_ERR_DEADLINE',
} as const;

export type BenchCode = (typeof benchCodes)[keyof typeof benchCodes];

export class BenchError extends Error {
  readonly code: BenchCode;
  constructor(code: BenchCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchError';
    this.code = code;
  }
}
