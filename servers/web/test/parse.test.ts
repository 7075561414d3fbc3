import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestHead } from '../src/http/parse.ts';
import { normalizePath, percentDecode, splitTarget } from '../src/http/target.ts';
import { HttpError } from '../src/http/errors.ts';

const head = (lines: string[]) => lines.join('\r\n');

function rejects(text: string, status: number, message?: RegExp) {
  assert.throws(() => parseRequestHead(text), (e: unknown) => {
    assert.ok(e instanceof HttpError, `expected HttpError, got ${String(e)}`);
    assert.equal(e.status, status, `status for ${JSON.stringify(text)}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('parses a simple GET', () => {
  const r = parseRequestHead(head(['GET /a/b.txt?x=1 HTTP/1.1', 'Host: example', 'Accept: */*']));
  assert.equal(r.method, 'GET');
  assert.equal(r.path, '/a/b.txt');
  assert.equal(r.query, '?x=1');
  assert.equal(r.version, '1.1');
  assert.equal(r.keepAlive, true);
  assert.equal(r.headers.host, 'example');
  assert.equal(r.headers.accept, '*/*');
});

test('header names are case-insensitive, values trimmed, repeats joined', () => {
  const r = parseRequestHead(head(['GET / HTTP/1.1', 'HOST:  h  ', 'X-A: 1', 'x-a: 2', 'If-None-Match: "a"']));
  assert.equal(r.headers.host, 'h');
  assert.equal(r.headers['x-a'], '1, 2');
  assert.equal(r.headers['if-none-match'], '"a"');
});

test('keep-alive rules: 1.1 default on, close token, 1.0 default off, 1.0 keep-alive, Transfer-Encoding', () => {
  assert.equal(parseRequestHead(head(['GET / HTTP/1.1', 'Host: h', 'Connection: close'])).keepAlive, false);
  assert.equal(parseRequestHead(head(['GET / HTTP/1.1', 'Host: h', 'Connection: Upgrade, Close'])).keepAlive, false);
  assert.equal(parseRequestHead('GET / HTTP/1.0').keepAlive, false);
  assert.equal(parseRequestHead(head(['GET / HTTP/1.0', 'Connection: keep-alive'])).keepAlive, true);
  assert.equal(parseRequestHead(head(['GET / HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked'])).keepAlive, false);
});

test('HTTP/1.0 needs no Host; HTTP/1.1 does, exactly once', () => {
  assert.equal(parseRequestHead('GET / HTTP/1.0').version, '1.0');
  rejects('GET / HTTP/1.1', 400, /Host/);
  rejects(head(['GET / HTTP/1.1', 'Host: a', 'Host: b']), 400, /Host/);
});

test('versions: 1.x minor versions are 1.1; other majors 505; garbage 400', () => {
  assert.equal(parseRequestHead(head(['GET / HTTP/1.2', 'Host: h'])).version, '1.1');
  rejects(head(['GET / HTTP/2.0', 'Host: h']), 505);
  rejects(head(['GET / HTTP/0.9', 'Host: h']), 505);
  rejects(head(['GET / HTTP/3.0', 'Host: h']), 505);
  rejects(head(['GET / HTTPS/1.1', 'Host: h']), 400);
  rejects(head(['GET / HTTP/1.10', 'Host: h']), 400);
  rejects('GET /', 400);
  rejects('GET / HTTP/1.1 extra', 400);
  rejects('GET  / HTTP/1.1', 400);
  rejects('', 400);
});

test('methods other than GET and HEAD are 405, keeping the connection when it can', () => {
  assert.throws(() => parseRequestHead(head(['POST / HTTP/1.1', 'Host: h'])), (e: unknown) => e instanceof HttpError && e.status === 405 && e.keepAlive);
  assert.throws(() => parseRequestHead(head(['DELETE / HTTP/1.1', 'Host: h', 'Connection: close'])), (e: unknown) => e instanceof HttpError && e.status === 405 && !e.keepAlive);
  rejects(head(['G@T / HTTP/1.1', 'Host: h']), 400);
  assert.equal(parseRequestHead(head(['HEAD / HTTP/1.1', 'Host: h'])).method, 'HEAD');
});

test('malformed header fields are 400', () => {
  rejects(head(['GET / HTTP/1.1', 'Host: h', 'Bad Name: x']), 400);
  rejects(head(['GET / HTTP/1.1', 'Host: h', 'Name : x']), 400);
  rejects(head(['GET / HTTP/1.1', 'Host: h', 'NoColon']), 400);
  rejects(head(['GET / HTTP/1.1', 'Host: h', ' folded: x']), 400, /folding/);
  rejects(head(['GET / HTTP/1.1', 'Host: h', 'X: a\u0000b']), 400);
  rejects(head(['GET / HTTP/1.1', 'Host: h', 'X: a\nb']), 400);
  rejects(head(['GET / HTTP/1.1', 'Host: h', 'Content-Length: 1', 'Content-Length: 2']), 400);
  rejects(head(['GET / HTTP/1.1', 'Host: h', ...Array.from({ length: 101 }, (_, i) => `X-${i}: y`)]).replace('Host: h\r\n', 'Host: h\r\n'), 431);
});

test('targets: absolute-form, fragments, queries', () => {
  assert.deepEqual(splitTarget('/a?b#c'), { rawPath: '/a', query: '?b' });
  assert.deepEqual(splitTarget('http://example.com/x/y?z'), { rawPath: '/x/y', query: '?z' });
  assert.deepEqual(splitTarget('http://example.com'), { rawPath: '/', query: '' });
  assert.throws(() => splitTarget('*'), HttpError);
  assert.throws(() => splitTarget('x/y'), HttpError);
});

test('percent-decoding once, strictly', () => {
  assert.equal(percentDecode('/a%20b'), '/a b');
  assert.equal(percentDecode('/caf%C3%A9'), '/café');
  assert.equal(percentDecode('/%252e%252e'), '/%2e%2e', 'decoded exactly once');
  assert.throws(() => percentDecode('/%zz'), HttpError);
  assert.throws(() => percentDecode('/%4'), HttpError);
  assert.throws(() => percentDecode('/%C3'), HttpError, 'invalid UTF-8');
  assert.throws(() => percentDecode('/a\u0001'), HttpError);
  // Raw UTF-8 bytes (as latin1 chars) are accepted when they decode.
  assert.equal(percentDecode('/caf\u00c3\u00a9'), '/café');
});

test('normalisation resolves dot segments and never climbs above the root', () => {
  assert.equal(normalizePath('/'), '/');
  assert.equal(normalizePath('/a/b'), '/a/b');
  assert.equal(normalizePath('/a//b/'), '/a/b/');
  assert.equal(normalizePath('/a/./b/../c'), '/a/c');
  assert.equal(normalizePath('/a/..'), '/');
  assert.equal(normalizePath('/a/b/..'), '/a/');
  assert.equal(normalizePath('/a/.'), '/a/');
  assert.equal(normalizePath('/.hidden'), '/.hidden');
  assert.equal(normalizePath('/...'), '/...');
  for (const bad of ['/..', '/../etc/passwd', '/a/../../b', '/./../x']) {
    assert.throws(() => normalizePath(bad), HttpError, bad);
  }
  assert.throws(() => normalizePath('/a\\..\\b'), HttpError);
  assert.throws(() => normalizePath('/a\u0000b'), HttpError);
  assert.throws(() => normalizePath('a'), HttpError);
});

test('the whole path pipeline on hostile targets', () => {
  for (const target of ['/%2e%2e/etc/passwd', '/..%2fetc/passwd', '/a/%2E%2E/%2E%2E/x', '/%2e%2e%5cx', '/x%00.txt', '/..\\x']) {
    rejects(`GET ${target} HTTP/1.1\r\nHost: h`, 400);
  }
  assert.equal(parseRequestHead('GET /%252e%252e/x HTTP/1.1\r\nHost: h').path, '/%2e%2e/x');
  assert.equal(parseRequestHead('GET /a%2Fb HTTP/1.1\r\nHost: h').path, '/a/b');
});

test('errors of a HEAD request remember it (their responses have no body)', () => {
  assert.throws(() => parseRequestHead('HEAD /%zz HTTP/1.1\r\nHost: h'), (e: unknown) => e instanceof HttpError && e.head && e.status === 400);
});
