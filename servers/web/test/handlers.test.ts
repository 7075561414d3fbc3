import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setIoTransport, FluxError, codes } from '@flux/runtime';
import type { Conn, IoTransport } from '@flux/runtime';
import { BadRequest, NotFound, ServerError, StreamFailed } from '../src/nodes/handlers.ts';
import { HttpError, webCodes } from '../src/http/errors.ts';
import type { Request } from '../src/types.ts';

/** Records what node code does to connections instead of touching sockets. */
class RecordingTransport implements IoTransport {
  readonly local = true;
  readonly calls: { op: string; data?: string }[] = [];
  write(_conn: Conn, data: string | Uint8Array): boolean {
    this.calls.push({ op: 'write', data: Buffer.from(data).toString('latin1') });
    return true;
  }
  async drained(): Promise<boolean> {
    return true;
  }
  connected(): boolean {
    return true;
  }
  end(_conn: Conn, data?: string | Uint8Array): void {
    this.calls.push({ op: 'end', data: data === undefined ? undefined : Buffer.from(data).toString('latin1') });
  }
  destroy(): void {
    this.calls.push({ op: 'destroy' });
  }
  cork(): void {}
  uncork(): void {}
}

const conn: Conn = { id: 1, remoteAddress: '127.0.0.1', remotePort: 1 };
const request = (method: 'GET' | 'HEAD' = 'GET', keepAlive = true): Request =>
  ({ method, target: '/x', path: '/x', query: '', version: '1.1', keepAlive, headers: {} });

let io: RecordingTransport;
let previous: IoTransport;
beforeEach(() => {
  io = new RecordingTransport();
  previous = setIoTransport(io);
});
afterEach(() => {
  setIoTransport(previous);
});

test('an overload answers 503 with Retry-After and closes', () => {
  ServerError(new FluxError(codes.OVERLOAD, 'queue full'), conn, 'GET / HTTP/1.1\r\nHost: h');
  assert.equal(io.calls.length, 1);
  assert.equal(io.calls[0].op, 'end');
  assert.match(io.calls[0].data!, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  assert.match(io.calls[0].data!, /\r\nRetry-After: 1\r\n/);
  assert.match(io.calls[0].data!, /\r\nConnection: close\r\n/);
});

test('any other failure answers 500 and closes; HEAD gets no body', () => {
  ServerError(new Error('bug'), conn, 'HEAD / HTTP/1.1\r\nHost: h');
  assert.equal(io.calls[0].op, 'end');
  assert.match(io.calls[0].data!, /^HTTP\/1\.1 500 /);
  assert.ok(io.calls[0].data!.endsWith('\r\n\r\n'), 'no body after the head');
});

test('405 names the allowed methods and keeps the connection', () => {
  BadRequest(new HttpError(405, webCodes.METHOD_NOT_ALLOWED, 'no', { keepAlive: true }), conn, 'POST / HTTP/1.1');
  assert.equal(io.calls[0].op, 'write');
  assert.match(io.calls[0].data!, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
  assert.match(io.calls[0].data!, /\r\nAllow: GET, HEAD\r\n/);
});

test('400 closes', () => {
  BadRequest(new HttpError(400, webCodes.BAD_REQUEST, 'bad'), conn, 'GARBAGE');
  assert.equal(io.calls[0].op, 'end');
  assert.match(io.calls[0].data!, /^HTTP\/1\.1 400 Bad Request\r\n/);
  BadRequest(new Error('not an HttpError'), conn, 'GARBAGE');
  assert.match(io.calls[1].data!, /^HTTP\/1\.1 400 /);
});

test('file errors map to 404 / 403 / 500, keeping the connection for 4xx', () => {
  NotFound(Object.assign(new Error('x'), { code: 'ENOENT' }), conn, request(), { hit: false });
  NotFound(Object.assign(new Error('x'), { code: 'EACCES' }), conn, request(), { hit: false });
  NotFound(Object.assign(new Error('x'), { code: 'EIO' }), conn, request(), { hit: false });
  NotFound(Object.assign(new Error('x'), { code: 'ENOENT' }), conn, request('GET', false), { hit: false });
  assert.deepEqual(io.calls.map((c) => [c.op, c.data!.slice(9, 12)]), [['write', '404'], ['write', '403'], ['end', '500'], ['end', '404']]);
});

test('a stream that fails after its head drops the connection', () => {
  StreamFailed(new HttpError(500, webCodes.RESPONSE_STARTED, 'late'), conn, request(), { kind: 'redirect', location: '/' });
  assert.deepEqual(io.calls, [{ op: 'destroy' }]);
});
