/**
 * Every error the runtime raises carries a stable `code` (FLUX_ERR_*), listed in the package README.
 * Code that reacts to an error should test `code`, never the message.
 */

export class FluxError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = 'FluxError';
  }
}

/** The IR and the implementation module do not fit together; raised by `buildPlan`, before anything runs. */
export class FluxPlanError extends FluxError {
  /** Every problem found, not only the first. */
  readonly problems: readonly { readonly code: string; readonly message: string }[];

  constructor(problems: readonly { readonly code: string; readonly message: string }[]) {
    const first = problems[0] ?? { code: 'FLUX_ERR_PLAN', message: 'invalid plan' };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((p) => p.message).join('; ')})` : '';
    super(first.code, first.message + more);
    this.problems = problems;
    this.name = 'FluxPlanError';
  }
}

/** Reported through `onError` (never thrown at the server) when a flow ends in error with no handler, or a handler fails. */
export class FluxFlowError extends FluxError {
  readonly node: string;
  readonly source: string;

  constructor(code: string, message: string, node: string, source: string, cause: unknown) {
    super(code, message, { cause });
    this.node = node;
    this.source = source;
    this.name = 'FluxFlowError';
  }
}

export const codes = {
  /** The IR's `irVersion` is not one this runtime reads. */
  IR_VERSION: 'FLUX_ERR_IR_VERSION',
  /** The IR refers to a node id, lock index or predicate index that does not exist. */
  IR_INVALID: 'FLUX_ERR_IR_INVALID',
  MISSING_NODE: 'FLUX_ERR_MISSING_NODE',
  MISSING_PREDICATE: 'FLUX_ERR_MISSING_PREDICATE',
  MISSING_HANDLER: 'FLUX_ERR_MISSING_HANDLER',
  MISSING_SOURCE: 'FLUX_ERR_MISSING_SOURCE',
  MISSING_SESSION: 'FLUX_ERR_MISSING_SESSION',
  /** The implementation module has no usable default export. */
  BAD_IMPLEMENTATION: 'FLUX_ERR_BAD_IMPLEMENTATION',
  /** A flow would take a session-scoped lock but its source has no session function. */
  NO_SESSION: 'FLUX_ERR_NO_SESSION',
  /** A node needs a lock in write mode that an enclosing atomic node holds in read mode. */
  LOCK_UPGRADE: 'FLUX_ERR_LOCK_UPGRADE',
  /** A node would take a lock out of canonical order relative to one its enclosing nodes hold. */
  LOCK_ORDER: 'FLUX_ERR_LOCK_ORDER',
  /** A concrete node threw or rejected with something that carries no string `code`. */
  NODE_FAILED: 'FLUX_ERR_NODE_FAILED',
  /** A concrete node returned something other than an array of its declared output count. */
  BAD_OUTPUTS: 'FLUX_ERR_BAD_OUTPUTS',
  /** No case of an abstract node matched its inputs. */
  NO_MATCHING_CASE: 'FLUX_ERR_NO_MATCHING_CASE',
  /** A predicate function threw or rejected. */
  PREDICATE_FAILED: 'FLUX_ERR_PREDICATE_FAILED',
  /** A node whose locks were elided (it looked synchronous) returned a promise under `event`. */
  ELIDED_LOCK_YIELDED: 'FLUX_ERR_ELIDED_LOCK_YIELDED',
  /** An error handler itself threw or rejected (reported, never rethrown). */
  HANDLER_FAILED: 'FLUX_ERR_HANDLER_FAILED',
  /** A flow ended in error and no node on its path had a handler (reported once). */
  UNHANDLED: 'FLUX_ERR_UNHANDLED',
  /** A source function threw or rejected. */
  SOURCE_FAILED: 'FLUX_ERR_SOURCE_FAILED',
  /** The session function threw or returned something that is not a string or number. */
  SESSION_FAILED: 'FLUX_ERR_SESSION_FAILED',
  /** Admission control refused the flow (queue limit reached). */
  OVERLOAD: 'FLUX_ERR_OVERLOAD',
  /** `emit` was called after the server began to stop. */
  STOPPED: 'FLUX_ERR_STOPPED',
  /** The requested runtime is not built into this package. */
  RUNTIME_UNAVAILABLE: 'FLUX_ERR_RUNTIME_UNAVAILABLE',
  /** `SetupContext.shared` was asked for an existing name with a different size. */
  SHARED_SIZE: 'FLUX_ERR_SHARED_SIZE',
  /** `io.register` / `io.socket` called where the sockets are not (a worker thread). */
  IO_NOT_MAIN: 'FLUX_ERR_IO_NOT_MAIN',
  /** Bad command-line arguments to `runServer`. */
  BAD_ARGUMENT: 'FLUX_ERR_BAD_ARGUMENT',
  /** Bad option passed to `start`. */
  BAD_OPTION: 'FLUX_ERR_BAD_OPTION',
} as const;

export type FluxErrorCode = (typeof codes)[keyof typeof codes];

/** The code an outcome reports for an arbitrary thrown value: its own string `code` if it has one. */
export function codeOf(error: unknown, fallback: string): string {
  if (error !== null && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
  }
  return fallback;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return 'unprintable error';
  }
}
