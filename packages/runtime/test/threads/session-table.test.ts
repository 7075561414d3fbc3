import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLockMemory, LockMemoryView } from '../../src/shared/lock-memory.ts';
import { SessionTable } from '../../src/shared/session-table.ts';
import { RwLockTable } from '../../src/shared/rwlock.ts';

test('session slots: per-session lock words, freed and reused with a new generation', () => {
  const view = new LockMemoryView(createLockMemory({ programLocks: 1, sessionLocks: 2, maxSessions: 2, rows: 1 }));
  const table = new SessionTable(view);
  const a = table.open()!;
  const b = table.open()!;
  assert.notEqual(a.slot, b.slot);
  assert.equal(table.open(), null, 'full');
  assert.equal(table.inUse, 2);
  const locks = new RwLockTable(view, 0);
  const aLock = view.sessionSlot(0, a.slot);
  const bLock = view.sessionSlot(0, b.slot);
  assert.notEqual(aLock, bLock);
  assert.equal(locks.tryAcquire(aLock, 'write'), true);
  assert.equal(locks.tryAcquire(bLock, 'write'), true, 'sessions do not share session-scope locks');
  locks.release(aLock, 'write');
  locks.release(bLock, 'write');
  assert.equal(SessionTable.isLive(view, a), true);
  table.close(a);
  assert.equal(SessionTable.isLive(view, a), false);
  const c = table.open()!;
  assert.equal(c.slot, a.slot);
  assert.notEqual(c.generation, a.generation);
  assert.equal(SessionTable.isLive(view, a), false, 'the old generation stays dead');
  table.close(a); // closing a stale generation is a no-op
  assert.equal(SessionTable.isLive(view, c), true);
});
