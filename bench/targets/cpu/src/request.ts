/**
 * Reading a request head: `GET /digest?rounds=N` over HTTP/1.0 or 1.1. Anything else is an error the BadRequest
 * handler answers: 400 for a malformed request line or a bad `rounds`, 404 for another path, 405 for another
 * method, 505 for another version. Header fields are not checked beyond what the HTTP source already framed.
 */

import { scanFraming } from '@flux/runtime/http/framing.ts';
import type { DigestRequest } from './types.ts';

export const cpuCodes = {
  BAD_REQUEST: 'CPU_ERR_BAD_REQUEST',
  NOT_FOUND: 'CPU_ERR_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'CPU_ERR_METHOD_NOT_ALLOWED',
  VERSION_NOT_SUPPORTED: 'CPU_ERR_VERSION_NOT_SUPPORTED',
} as const;

export class RequestError extends Error {
  readonly code: string;
  readonly status: number;
  /** Whether the connection can carry another request after this error's response. */
  readonly keepAlive: boolean;

  constructor(status: number, code: string, message: string, keepAlive: boolean) {
    super(message);
    this.status = status;
    this.code = code;
    this.keepAlive = keepAlive;
    this.name = 'RequestError';
  }
}

const ROUNDS = /^rounds=([1-9][0-9]{0,9})$/;

/**
 * `head` as the HTTP source emits it (latin1, no final CRLFCRLF). `maxDiscardBytes` is the source's, so that the
 * keep-alive decision is the one the source made.
 */
export function readDigestRequest(head: string, maxRounds: number, maxDiscardBytes: number): DigestRequest {
  const lineEnd = head.indexOf('\r\n');
  const line = lineEnd < 0 ? head : head.slice(0, lineEnd);
  const parts = line.split(' ');
  if (parts.length !== 3 || parts[0] === '' || parts[1] === '') throw new RequestError(400, cpuCodes.BAD_REQUEST, 'malformed request line', false);
  const [method, target, protocol] = parts as [string, string, string];
  if (protocol !== 'HTTP/1.1' && protocol !== 'HTTP/1.0') {
    throw new RequestError(protocol.startsWith('HTTP/') ? 505 : 400, protocol.startsWith('HTTP/') ? cpuCodes.VERSION_NOT_SUPPORTED : cpuCodes.BAD_REQUEST, `unsupported protocol ${JSON.stringify(protocol.slice(0, 16))}`, false);
  }
  const version = protocol === 'HTTP/1.0' ? '1.0' : '1.1';
  const keepAlive = !scanFraming(head, maxDiscardBytes).close;
  if (method !== 'GET') throw new RequestError(405, cpuCodes.METHOD_NOT_ALLOWED, `method ${method} is not allowed`, keepAlive);
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (path !== '/digest') throw new RequestError(404, cpuCodes.NOT_FOUND, `no such path ${JSON.stringify(path.slice(0, 64))}`, keepAlive);
  const match = q < 0 ? null : ROUNDS.exec(target.slice(q + 1));
  const rounds = match === null ? NaN : Number(match[1]);
  if (!(rounds <= maxRounds)) throw new RequestError(400, cpuCodes.BAD_REQUEST, `the query must be rounds=<1..${maxRounds}>`, keepAlive);
  return { rounds, version, keepAlive };
}
