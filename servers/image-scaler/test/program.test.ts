import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scalerServer } from '../src/server.ts';

test('the committed types module is what the compiler generates from image-scaler.flux', () => {
  const { typesModule } = scalerServer.compile();
  assert.equal(readFileSync(scalerServer.typesFile, 'utf8'), typesModule, 'run: node scripts/generate-types.ts');
});

test('the cache lock: lookups share it, the store takes it alone, nothing else holds it', () => {
  const { ir } = scalerServer.compile();
  const cache = ir.locks.findIndex((lock) => lock.name === 'cache');
  const holders = Object.fromEntries(
    ir.nodes.filter((n) => n.locks.some((l) => l.lock === cache)).map((n) => [n.name, n.locks.find((l) => l.lock === cache)!.mode]),
  );
  assert.deepEqual(holders, { ReportStats: 'read', CheckCache: 'read', TakeResult: 'read', StoreInCache: 'write' });
});
