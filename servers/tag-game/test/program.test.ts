import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tagGame } from '../src/server.ts';
import implementation from '../src/tag-game.ts';

test('tag-game.flux compiles, and src/tag-game.flux.ts is what the compiler generates from it', () => {
  const { typesModule } = tagGame.compile();
  assert.equal(readFileSync(tagGame.typesFile, 'utf8'), typesModule, 'src/tag-game.flux.ts is stale: run node tools/generate-types.ts');
});

test('the program has the shape the server relies on', () => {
  const { ir } = tagGame.compile();
  const byName = new Map(ir.nodes.map((n) => [n.name, n]));
  assert.deepEqual(ir.locks, [{ name: 'player', scope: 'session' }, { name: 'world', scope: 'program' }]);
  const modes = (name: string) => byName.get(name)!.locks.map((l) => `${ir.locks[l.lock]!.name}:${l.mode}`);
  for (const writer of ['Join', 'Rejoin', 'Closed']) assert.deepEqual(modes(writer), ['player:write', 'world:write'], writer);
  assert.deepEqual(modes('Input'), ['player:write', 'world:read']);
  assert.deepEqual(modes('UpdateBoard'), ['world:write']);
  assert.deepEqual(modes('SendData'), []);
  assert.equal(ir.sources.length, 2);
  assert.equal(ir.sources.find((s) => byName.get('Listen')!.id === s.node)!.session, 'ClientSession');
  const read = byName.get('ReadMessage')!;
  assert.equal(read.kind, 'abstract');
  if (read.kind === 'abstract') assert.equal(read.cases.length, 5);
  assert.equal(byName.get('ClientMessage')!.handler, 'Refused');
});

test('the implementation provides every function the program names', () => {
  const { ir } = tagGame.compile();
  for (const n of ir.nodes) {
    if (n.kind === 'concrete' && !ir.sources.some((s) => s.node === n.id)) assert.equal(typeof implementation.nodes[n.name as keyof typeof implementation.nodes], 'function', n.name);
    if (n.handler !== null) assert.equal(typeof implementation.handlers[n.handler as keyof typeof implementation.handlers], 'function', n.handler);
  }
  for (const p of ir.predicates) assert.equal(typeof implementation.predicates[p.fn as keyof typeof implementation.predicates], 'function', p.fn);
});
