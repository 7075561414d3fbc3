import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DEFAULT_INFLIGHT_OPTIONS, InflightTable } from '../src/cache/inflight-table.ts';

function table(options = DEFAULT_INFLIGHT_OPTIONS): InflightTable {
  return new InflightTable(new SharedArrayBuffer(InflightTable.byteLength(options)), options);
}

test('the first claim owns a key, the next waits, until release', () => {
  const t = table();
  const owner = t.claim('a');
  assert.equal(owner.role, 'owner');
  assert.equal(t.claim('a').role, 'waiter');
  assert.equal(t.inflight(), 1);
  t.release(owner);
  assert.equal(t.inflight(), 0);
  assert.equal(t.claim('a').role, 'owner');
});

test('a waiter wakes when the owner releases', async () => {
  const t = table();
  const owner = t.claim('k');
  const waiter = t.claim('k');
  let woke = false;
  const waiting = t.wait(waiter, 5000).then(() => { woke = true; });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(woke, false);
  t.release(owner);
  await waiting;
  assert.equal(woke, true);
});

test('two keys sharing a slot do not wait on each other', () => {
  const t = table({ slots: 1, staleAfterMs: 60_000 });
  assert.equal(t.claim('x').role, 'owner');
  assert.equal(t.claim('y').role, 'alone');
});

test('release by a non-owner or twice does nothing', () => {
  const t = table();
  const owner = t.claim('a');
  const waiter = t.claim('a');
  t.release(waiter);
  assert.equal(t.inflight(), 1);
  t.release(owner);
  t.release(owner);
  assert.equal(t.inflight(), 0);
});

test('a stale claim is taken over', () => {
  const t = table({ slots: 16, staleAfterMs: -1 });
  assert.equal(t.claim('a').role, 'owner');
  assert.equal(t.claim('a').role, 'owner');
});

test('across threads: one worker owns, the others wait for its release', async () => {
  const options = DEFAULT_INFLIGHT_OPTIONS;
  const buffer = new SharedArrayBuffer(InflightTable.byteLength(options));
  const url = new URL('./fixtures/inflight-worker.ts', import.meta.url);
  const start = (w: Worker) => once(w, 'message').then(([m]) => m as { event: string; role: string });
  // The owner claims first; the waiters claim while it holds the key; only then is it told to release.
  const owner = new Worker(url, { workerData: { buffer, key: 'same' } });
  const ownerClaim = await start(owner);
  const waiters = [1, 2].map(() => new Worker(url, { workerData: { buffer, key: 'same' } }));
  const waiterClaims = await Promise.all(waiters.map(start));
  assert.deepEqual([ownerClaim, ...waiterClaims].map((m) => m.role), ['owner', 'waiter', 'waiter']);
  const woke = waiters.map((w) => once(w, 'message').then(([m]) => (m as { event: string }).event));
  const released = once(owner, 'message');
  owner.postMessage('release');
  await released;
  assert.deepEqual(await Promise.all(woke), ['woke', 'woke']);
  assert.equal(new InflightTable(buffer, options).inflight(), 0);
  await Promise.all([owner, ...waiters].map((w) => w.terminate()));
});
