import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { webServer } from '../src/server.ts';
import implementation from '../src/web.ts';

test('web.flux compiles, and src/web.flux.ts is what the compiler generates from it', () => {
  const { typesModule } = webServer.compile();
  assert.equal(readFileSync(webServer.typesFile, 'utf8'), typesModule, 'src/web.flux.ts is stale: run node tools/generate-types.ts');
});

test('the program has the shape the server relies on', () => {
  const { ir } = webServer.compile();
  const byName = new Map(ir.nodes.map((n) => [n.name, n]));
  assert.deepEqual(ir.locks, [{ name: 'cache', scope: 'program' }]);
  assert.deepEqual(byName.get('Lookup')!.locks.map((l) => l.mode), ['read']);
  assert.deepEqual(byName.get('StoreInCache')!.locks.map((l) => l.mode), ['write']);
  assert.equal(byName.get('Page')!.handler, 'ServerError');
  assert.equal(ir.sources.length, 1);
  assert.equal(ir.sources[0].session, 'ConnSession');
  const respond = byName.get('Respond')!;
  assert.equal(respond.kind, 'abstract');
  if (respond.kind === 'abstract') assert.equal(respond.cases.length, 2);
});

test('the implementation provides every function the program names', () => {
  const { ir } = webServer.compile();
  for (const n of ir.nodes) {
    if (n.kind === 'concrete' && !ir.sources.some((s) => s.node === n.id)) assert.equal(typeof implementation.nodes[n.name as keyof typeof implementation.nodes], 'function', n.name);
    if (n.handler !== null) assert.equal(typeof implementation.handlers[n.handler as keyof typeof implementation.handlers], 'function', n.handler);
  }
  for (const p of ir.predicates) assert.equal(typeof implementation.predicates[p.fn as keyof typeof implementation.predicates], 'function', p.fn);
});
