import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, etagOf, lastModifiedOf, noneMatch, parseRange } from '../src/http/conditional.ts';
import type { Request } from '../src/types.ts';

const stat = { size: 100, mtimeMs: Date.UTC(2024, 0, 2, 3, 4, 5, 678) };

function req(headers: Record<string, string>, method: 'GET' | 'HEAD' = 'GET'): Request {
  return { method, target: '/f', path: '/f', query: '', version: '1.1', keepAlive: true, headers };
}

test('validators', () => {
  assert.match(etagOf(stat), /^"64-[0-9a-f]+"$/);
  assert.notEqual(etagOf(stat), etagOf({ size: 100, mtimeMs: stat.mtimeMs + 1 }));
  assert.equal(lastModifiedOf(stat), 'Tue, 02 Jan 2024 03:04:05 GMT');
});

test('If-None-Match: weak comparison, lists and *', () => {
  const tag = etagOf(stat);
  assert.equal(noneMatch(tag, tag), true);
  assert.equal(noneMatch(`W/${tag}`, tag), true);
  assert.equal(noneMatch(`"x", ${tag}`, tag), true);
  assert.equal(noneMatch('*', tag), true);
  assert.equal(noneMatch('"other"', tag), false);
  assert.deepEqual(decide(req({ 'if-none-match': tag }), stat), { status: 304 });
  assert.deepEqual(decide(req({ 'if-none-match': '"nope"' }), stat), { status: 200 });
});

test('If-Modified-Since: second resolution; ignored when If-None-Match is present or the date is bad', () => {
  const lm = lastModifiedOf(stat);
  assert.deepEqual(decide(req({ 'if-modified-since': lm }), stat), { status: 304 });
  assert.deepEqual(decide(req({ 'if-modified-since': 'Wed, 03 Jan 2024 00:00:00 GMT' }), stat), { status: 304 });
  assert.deepEqual(decide(req({ 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }), stat), { status: 200 });
  assert.deepEqual(decide(req({ 'if-modified-since': 'not a date' }), stat), { status: 200 });
  assert.deepEqual(decide(req({ 'if-modified-since': lm, 'if-none-match': '"nope"' }), stat), { status: 200 });
});

test('ranges: one range served, several or bad syntax ignored, beyond the end 416', () => {
  assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-1000', 100), { start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=50-1000', 100), { start: 50, end: 99 });
  assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable');
  assert.equal(parseRange('bytes=5-2', 100), null);
  assert.equal(parseRange('bytes=0-1,5-6', 100), null);
  assert.equal(parseRange('items=0-1', 100), null);
  assert.equal(parseRange('bytes=-', 100), null);
  assert.equal(parseRange('bytes=a-b', 100), null);
  assert.deepEqual(decide(req({ range: 'bytes=10-19' }), stat), { status: 206, start: 10, end: 19 });
  assert.deepEqual(decide(req({ range: 'bytes=200-' }), stat), { status: 416 });
  assert.deepEqual(decide(req({ range: 'bytes=0-1,3-4' }), stat), { status: 200 });
  assert.deepEqual(decide(req({ range: 'bytes=10-19' }, 'HEAD'), stat), { status: 200 }, 'HEAD ignores Range');
});

test('If-Range: the range applies only while the validator matches', () => {
  const range = 'bytes=0-0';
  assert.equal(decide(req({ range, 'if-range': etagOf(stat) }), stat).status, 206);
  assert.equal(decide(req({ range, 'if-range': '"old"' }), stat).status, 200);
  assert.equal(decide(req({ range, 'if-range': `W/${etagOf(stat)}` }), stat).status, 200, 'weak tags never match');
  assert.equal(decide(req({ range, 'if-range': lastModifiedOf(stat) }), stat).status, 206);
  assert.equal(decide(req({ range, 'if-range': 'Mon, 01 Jan 2024 00:00:00 GMT' }), stat).status, 200);
});

test('a 304 wins over a range', () => {
  assert.equal(decide(req({ range: 'bytes=0-1', 'if-none-match': etagOf(stat) }), stat).status, 304);
});
