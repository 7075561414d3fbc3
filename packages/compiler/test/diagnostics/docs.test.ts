import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Diagnostics } from '../../src/diagnostics/messages.ts';

const docs = readFileSync(new URL('../../../../docs/language.md', import.meta.url), 'utf8');

test('docs/language.md documents every diagnostic code with its message', () => {
  for (const diagnostic of Object.values(Diagnostics)) {
    assert.ok(docs.includes(`### FLUX${diagnostic.code} (${diagnostic.category})`), `FLUX${diagnostic.code} has a section`);
    assert.ok(docs.includes('`' + diagnostic.message + '`'), `FLUX${diagnostic.code} message is quoted`);
  }
});

test('diagnostic codes are unique and in their ranges (1xxx syntax, 2xxx names/types, 3xxx locks, 4xxx warnings)', () => {
  const codes = Object.values(Diagnostics).map((d) => d.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const d of Object.values(Diagnostics)) {
    if (d.code >= 4000) assert.equal(d.category, 'warning', `FLUX${d.code}`);
    else assert.notEqual(d.category, 'warning', `FLUX${d.code}`);
  }
});
