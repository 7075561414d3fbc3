/**
 * Errors the web server's nodes throw. Each carries a stable `code` (WEB_ERR_*) and the HTTP status it
 * answers with; the error handlers in the program turn them into responses.
 */

export const webCodes = {
  BAD_REQUEST: 'WEB_ERR_BAD_REQUEST',
  METHOD_NOT_ALLOWED: 'WEB_ERR_METHOD_NOT_ALLOWED',
  VERSION_NOT_SUPPORTED: 'WEB_ERR_VERSION_NOT_SUPPORTED',
  URI_TOO_LONG: 'WEB_ERR_URI_TOO_LONG',
  HEADERS_TOO_LARGE: 'WEB_ERR_HEADERS_TOO_LARGE',
  REQUEST_TIMEOUT: 'WEB_ERR_REQUEST_TIMEOUT',
  NOT_FOUND: 'WEB_ERR_NOT_FOUND',
  FORBIDDEN: 'WEB_ERR_FORBIDDEN',
  /** The path resolves (through a symlink) to something outside the root directory. Answered as 404. */
  OUTSIDE_ROOT: 'WEB_ERR_OUTSIDE_ROOT',
  /** A failure after the response head was written: the only honest answer is to drop the connection. */
  RESPONSE_STARTED: 'WEB_ERR_RESPONSE_STARTED',
} as const;

export class HttpError extends Error {
  readonly code: string;
  readonly status: number;
  /** Whether the connection can carry another request after this error's response. */
  readonly keepAlive: boolean;
  /** Whether the request was HEAD (the error response then has no body). */
  readonly head: boolean;

  constructor(status: number, code: string, message: string, options: { keepAlive?: boolean; head?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.keepAlive = options.keepAlive ?? false;
    this.head = options.head ?? false;
    this.name = 'HttpError';
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, webCodes.BAD_REQUEST, message);
}

/** Maps a file-system error (or an HttpError) met while finding or reading a file to the status to answer. */
export function statusOfFileError(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
    case 'ELOOP':
    case 'ENAMETOOLONG':
    case 'EISDIR':
      return 404;
    case 'EACCES':
    case 'EPERM':
      return 403;
    default:
      return 500;
  }
}
