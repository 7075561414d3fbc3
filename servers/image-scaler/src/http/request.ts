/**
 * HTTP/1.1 request heads, as the Listen source frames them on the main thread. Only what this server needs is
 * kept, in a plain object that crosses threads by structured clone. A malformed head is not answered here: it
 * becomes a request with `problem` set, and the Flux program answers it like any other bad request.
 */

export interface HttpRequest {
  readonly method: string;
  /** The request target as sent: path and query string. */
  readonly target: string;
  /** Whether the connection stays open after the response. */
  readonly keepAlive: boolean;
  /** The If-None-Match header, or null. */
  readonly ifNoneMatch: string | null;
  /** Why the head could not be used (the connection closes after the answer), or null. */
  readonly problem: string | null;
}

export const MAX_HEAD_BYTES = 16 * 1024;

export type FrameResult =
  | { readonly kind: 'request'; readonly request: HttpRequest; readonly consumed: number }
  /** More bytes are needed. */
  | { readonly kind: 'partial' };

const HEAD_END = Buffer.from('\r\n\r\n');
const REQUEST_LINE = /^([A-Z]{1,16}) (\S{1,8192}) HTTP\/1\.([01])$/;

/** Frames the first request head in `buffer`. Requests with a body are refused (this server only reads). */
export function frameRequest(buffer: Buffer): FrameResult {
  const end = buffer.indexOf(HEAD_END);
  if (end < 0) {
    if (buffer.length > MAX_HEAD_BYTES) return malformed('request head too large', buffer.length);
    return { kind: 'partial' };
  }
  const consumed = end + HEAD_END.length;
  if (end > MAX_HEAD_BYTES) return malformed('request head too large', consumed);
  const lines = buffer.toString('latin1', 0, end).split('\r\n');
  const match = REQUEST_LINE.exec(lines[0] ?? '');
  if (!match) return malformed('malformed request line', consumed);
  const method = match[1]!;
  const target = match[2]!;
  const http10 = match[3] === '0';
  let connection = '';
  let ifNoneMatch: string | null = null;
  let hasBody = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return malformed('malformed header line', consumed);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'connection') connection = value.toLowerCase();
    else if (name === 'if-none-match') ifNoneMatch = value;
    else if (name === 'transfer-encoding' || (name === 'content-length' && value !== '0')) hasBody = true;
  }
  const keepAlive = http10 ? /\bkeep-alive\b/.test(connection) : !/\bclose\b/.test(connection);
  const problem = hasBody ? 'request bodies are not accepted' : null;
  return { kind: 'request', request: { method, target, keepAlive: keepAlive && problem === null, ifNoneMatch, problem }, consumed };
}

function malformed(problem: string, consumed: number): FrameResult {
  return { kind: 'request', request: { method: 'GET', target: '/', keepAlive: false, ifNoneMatch: null, problem }, consumed };
}
