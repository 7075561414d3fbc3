import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageQuery } from '../src/request/query.ts';
import { BadRequestError, NotFoundError } from '../src/errors.ts';

test('a full query parses and normalises into a key', () => {
  const q = parseImageQuery('/images/cat.jpg?w=200&h=100&fit=contain&format=webp&q=70');
  assert.deepEqual(
    { name: q.name, width: q.width, height: q.height, fit: q.fit, format: q.format, quality: q.quality },
    { name: 'cat.jpg', width: 200, height: 100, fit: 'contain', format: 'webp', quality: 70 },
  );
  assert.equal(q.key, 'cat.jpg|200x100|contain|webp|70');
});

test('defaults: fit cover, format jpeg, quality 80; one dimension is enough', () => {
  const q = parseImageQuery('/images/cat.jpg?w=200');
  assert.equal(q.height, null);
  assert.equal(q.key, 'cat.jpg|200x|cover|jpeg|80');
});

test('parameter order does not change the key; PNG ignores q', () => {
  assert.equal(parseImageQuery('/images/a.png?h=5&w=7').key, parseImageQuery('/images/a.png?w=7&h=5').key);
  assert.equal(parseImageQuery('/images/a.png?w=7&format=png&q=10').key, parseImageQuery('/images/a.png?w=7&format=png').key);
});

test('bad parameters are 400s', () => {
  const bad = [
    '/images/a.jpg', // neither w nor h
    '/images/a.jpg?w=0',
    '/images/a.jpg?w=4097',
    '/images/a.jpg?h=-3',
    '/images/a.jpg?w=1e3',
    '/images/a.jpg?w=12.5',
    '/images/a.jpg?w=',
    '/images/a.jpg?w=10&q=0',
    '/images/a.jpg?w=10&q=101',
    '/images/a.jpg?w=10&fit=fill',
    '/images/a.jpg?w=10&format=gif',
    '/images/a.jpg?w=10&w=20',
    '/images/a.jpg?w=10&x=1',
    '/images/..?w=10',
    '/images/.hidden?w=10',
    '/images/a%2Fb.jpg?w=10',
    '/images/%E0%A4%A?w=10',
    '/images/?w=10',
  ];
  for (const target of bad) assert.throws(() => parseImageQuery(target), BadRequestError, target);
});

test('paths outside /images/ are 404s', () => {
  assert.throws(() => parseImageQuery('/other/a.jpg?w=1'), NotFoundError);
  assert.throws(() => parseImageQuery('/'), NotFoundError);
});

test('the dimension bound is configurable', () => {
  assert.throws(() => parseImageQuery('/images/a.jpg?w=101', { maxDimension: 100 }), BadRequestError);
  assert.equal(parseImageQuery('/images/a.jpg?w=100', { maxDimension: 100 }).width, 100);
});
