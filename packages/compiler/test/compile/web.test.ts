import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compile } from '../../src/index.ts';

const programs = new URL('../programs/', import.meta.url);

test('compile() lowers the 2006 web server to IR without diagnostics', () => {
  const result = compile(readFileSync(new URL('web.flux', programs), 'utf8'), 'web.flux');
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.ir);
  assert.equal(result.ir.program, 'web');
  const page = result.ir.nodes.find((n) => n.name === 'Page');
  assert.equal(page?.kind, 'abstract');
  assert.deepEqual(
    page?.kind === 'abstract' ? page.cases[0].chain.map((id) => result.ir?.nodes[id].name) : [],
    ['ReadRequest', 'ReadWrite', 'Reply'],
  );
  assert.deepEqual(result.ir.sources, [{ node: 0, target: 1, session: null }]);
});
