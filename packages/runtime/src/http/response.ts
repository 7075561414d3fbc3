/** Small complete responses: the source's own (400, 408, 414, 431, 503), and a server's error pages and redirects. */

import { httpDate } from './date.ts';

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  206: 'Partial Content',
  301: 'Moved Permanently',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  414: 'URI Too Long',
  416: 'Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

/** The Connection header line a response needs, if any: HTTP/1.1 keeps alive by default, HTTP/1.0 closes. */
export function connectionHeader(version: '1.0' | '1.1', keepAlive: boolean): string {
  if (!keepAlive) return 'Connection: close\r\n';
  return version === '1.0' ? 'Connection: keep-alive\r\n' : '';
}

export interface SimpleResponse {
  readonly status: number;
  /** The `Server` header. */
  readonly server: string;
  readonly keepAlive: boolean;
  /** HEAD request: send the head only (Content-Length still says what GET would send). */
  readonly headOnly?: boolean;
  /** The request's version, for the Connection header (default 1.1). */
  readonly version?: '1.0' | '1.1';
  readonly headers?: readonly (readonly [string, string])[];
  /** Plain text; default `<status> <reason>\n`. */
  readonly body?: string;
}

/** A complete small response (text/plain) as bytes of its own. */
export function simpleResponse(response: SimpleResponse): Uint8Array {
  const status = response.status;
  const text = STATUS_TEXT[status] ?? 'Unknown';
  const body = response.body ?? `${status} ${text}\n`;
  let head = `HTTP/1.1 ${status} ${text}\r\nServer: ${response.server}\r\nDate: ${httpDate()}\r\n` +
    connectionHeader(response.version ?? '1.1', response.keepAlive);
  for (const [name, value] of response.headers ?? []) head += `${name}: ${value}\r\n`;
  head += `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const out = Buffer.allocUnsafeSlow(Buffer.byteLength(head, 'latin1') + (response.headOnly ? 0 : Buffer.byteLength(body)));
  const n = out.write(head, 0, 'latin1');
  if (!response.headOnly) out.write(body, n, 'utf8');
  return out;
}
