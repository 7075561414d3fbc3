import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingQueue } from '../../src/threads/queue.ts';

test('ring queue is FIFO across wrap-around and refuses when full', () => {
  const q = new RingQueue<number>(3);
  assert.equal(q.push(1), true);
  assert.equal(q.push(2), true);
  assert.equal(q.shift(), 1);
  assert.equal(q.push(3), true);
  assert.equal(q.push(4), true);
  assert.equal(q.full, true);
  assert.equal(q.push(5), false, 'refused past capacity');
  assert.equal(q.size, 3);
  assert.equal(q.peek(), 2);
  assert.deepEqual(q.drain(), [2, 3, 4]);
  assert.equal(q.shift(), undefined);
  assert.equal(q.size, 0);
});

test('a zero-capacity queue refuses everything', () => {
  const q = new RingQueue<string>(0);
  assert.equal(q.push('a'), false);
  assert.equal(q.shift(), undefined);
});
