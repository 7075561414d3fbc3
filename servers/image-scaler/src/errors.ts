/**
 * Errors a request can end in. Each carries a stable code and the HTTP status it is answered with; the error
 * handlers of the Flux program turn any of them into a response (anything else is a 500).
 */

export abstract class ScalerError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
}

/** A parameter is missing, malformed, out of range, or unknown; or the path names no image. */
export class BadRequestError extends ScalerError {
  readonly code = 'SCALER_ERR_BAD_REQUEST';
  readonly status = 400;
  override readonly name = 'BadRequestError';
}

/** Only GET and HEAD are served. */
export class MethodNotAllowedError extends ScalerError {
  readonly code = 'SCALER_ERR_METHOD_NOT_ALLOWED';
  readonly status = 405;
  override readonly name = 'MethodNotAllowedError';
}

/** No source image of that name (or a path outside the image API). */
export class NotFoundError extends ScalerError {
  readonly code = 'SCALER_ERR_NOT_FOUND';
  readonly status = 404;
  override readonly name = 'NotFoundError';
}

/** The source is not an image, or is in a format this server does not decode (SVG, PDF, ...). */
export class UnsupportedImageError extends ScalerError {
  readonly code = 'SCALER_ERR_UNSUPPORTED_IMAGE';
  readonly status = 415;
  override readonly name = 'UnsupportedImageError';
}

/** The source claims a supported format but does not decode (truncated, corrupt). */
export class UndecodableImageError extends ScalerError {
  readonly code = 'SCALER_ERR_UNDECODABLE_IMAGE';
  readonly status = 422;
  override readonly name = 'UndecodableImageError';
}

/** The source declares more pixels than the server decodes (a decompression bomb), refused before decoding. */
export class ImageTooLargeError extends ScalerError {
  readonly code = 'SCALER_ERR_IMAGE_TOO_LARGE';
  readonly status = 422;
  override readonly name = 'ImageTooLargeError';
}

/** A source file larger in bytes than the server reads. */
export class SourceTooLargeError extends ScalerError {
  readonly code = 'SCALER_ERR_SOURCE_TOO_LARGE';
  readonly status = 422;
  override readonly name = 'SourceTooLargeError';
}

export interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** The runtime's code for a flow refused by admission control. */
const OVERLOAD = 'FLUX_ERR_OVERLOAD';

/** How an error is answered: its own status for a ScalerError, 503 for overload, 500 with a generic message otherwise. */
export function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof ScalerError) return { status: error.status, code: error.code, message: error.message };
  if ((error as { code?: unknown } | null)?.code === OVERLOAD) return { status: 503, code: 'SCALER_ERR_OVERLOADED', message: 'server overloaded, try again' };
  return { status: 500, code: 'SCALER_ERR_INTERNAL', message: 'internal error' };
}
