import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLockManager } from '../../src/locks/event-lock-manager.ts';
import { MODE_READ, MODE_WRITE, RWLock } from '../../src/locks/rwlock.ts';

describe('RWLock', () => {
  it('lets readers share and keeps writers exclusive', () => {
    const lock = new RWLock();
    assert.ok(lock.tryRead());
    assert.ok(lock.tryRead());
    assert.equal(lock.tryWrite(), false);
    lock.releaseRead();
    lock.releaseRead();
    assert.ok(lock.tryWrite());
    assert.equal(lock.tryRead(), false);
    assert.equal(lock.tryWrite(), false);
    lock.releaseWrite();
    assert.ok(lock.idle);
  });

  it('grants waiters in FIFO order; a waiting writer holds back later readers', () => {
    const lock = new RWLock();
    const order: string[] = [];
    assert.ok(lock.tryRead());
    lock.enqueue(MODE_WRITE, () => order.push('w1'));
    assert.equal(lock.tryRead(), false, 'a reader may not overtake a waiting writer');
    lock.enqueue(MODE_READ, () => order.push('r2'));
    lock.enqueue(MODE_READ, () => order.push('r3'));
    lock.enqueue(MODE_WRITE, () => order.push('w4'));
    assert.equal(lock.waiting, 4);
    lock.releaseRead();
    assert.deepEqual(order, ['w1']);
    lock.releaseWrite();
    assert.deepEqual(order, ['w1', 'r2', 'r3'], 'consecutive readers are granted together');
    lock.releaseRead();
    assert.deepEqual(order, ['w1', 'r2', 'r3']);
    lock.releaseRead();
    assert.deepEqual(order, ['w1', 'r2', 'r3', 'w4']);
    lock.releaseWrite();
    assert.ok(lock.idle);
  });

  it('refuses a release it does not hold', () => {
    const lock = new RWLock();
    assert.throws(() => lock.releaseRead());
    assert.throws(() => lock.releaseWrite());
  });
});

describe('EventLockManager', () => {
  const locks = [
    { name: 'a', scope: 'program' },
    { name: 'b', scope: 'program' },
    { name: 's', scope: 'session' },
  ] as const;
  const w = (lock: number) => ({ lock, mode: 'write', elevated: false }) as const;

  it('takes uncontended locks synchronously', () => {
    const m = new EventLockManager(locks);
    assert.equal(m.acquire([w(0), w(1)], undefined), null);
    assert.deepEqual(m.busyLocks(['a', 'b', 's']), ['a', 'b']);
    m.release([w(0), w(1)], undefined);
    assert.deepEqual(m.busyLocks(['a', 'b', 's']), []);
  });

  it('waits in order and holds earlier locks meanwhile', async () => {
    const m = new EventLockManager(locks);
    assert.equal(m.acquire([w(1)], undefined), null);
    const pending = m.acquire([w(0), w(1)], undefined);
    assert.ok(pending instanceof Promise);
    assert.equal(m.acquire([w(0)], undefined) instanceof Promise, true, 'a is held by the waiting acquisition');
    m.release([w(1)], undefined);
    await pending;
    assert.deepEqual(m.busyLocks(['a', 'b', 's']), ['a', 'b']);
  });

  it('keeps one lock per session and drops a session state once its flows end', () => {
    const m = new EventLockManager(locks);
    m.flowStarted('x');
    m.flowStarted('y');
    assert.equal(m.acquire([w(2)], 'x'), null);
    assert.equal(m.acquire([w(2)], 'y'), null, 'another session has its own lock');
    assert.equal(m.sessionCount, 2);
    m.endSession('x');
    assert.equal(m.sessionCount, 2, 'a flow of x still runs');
    m.release([w(2)], 'x');
    m.flowEnded('x');
    assert.equal(m.sessionCount, 1);
    m.release([w(2)], 'y');
    m.flowEnded('y');
    m.endSession('y');
    assert.equal(m.sessionCount, 0);
  });
});
