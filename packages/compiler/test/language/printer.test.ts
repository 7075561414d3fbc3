import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from '../../src/language/parser.ts';
import { print } from '../../src/language/printer.ts';
import { withoutLocations } from '../helpers/diagnose.ts';

const programs = new URL('../programs/', import.meta.url);
const files = readdirSync(programs).filter((f) => f.endsWith('.flux'));

const EVERY_CONSTRUCT = `
import type { A, B as C } from "./types.ts";
N (a: Map<string, number[]>, b: 'x' | "y") => (f: (x: number) => Promise<void>, o: { k: string; v?: number });
source S {session: K} => P;
source T => P;
typedef hit Hit;
P = N -> M;
P:[_, *, hit, !hit] = ;
atomic N:{a, b?, c!, d(session), e?(program)};
constraint M:{z};
handle error N => H;
`;

for (const file of files) {
  test(`printer round-trips ${file}: parse(print(ast)) equals ast`, () => {
    const first = parse(readFileSync(new URL(file, programs), 'utf8'), file);
    assert.deepEqual(first.diagnostics, []);
    const printed = print(first.document);
    const second = parse(printed, file);
    assert.deepEqual(second.diagnostics, []);
    assert.deepEqual(withoutLocations(second.document), withoutLocations(first.document));
    assert.equal(print(second.document), printed);
  });
}

test('printer round-trips every construct', () => {
  const first = parse(EVERY_CONSTRUCT, 'all.flux');
  assert.deepEqual(first.diagnostics, []);
  const printed = print(first.document);
  assert.deepEqual(withoutLocations(parse(printed, 'all.flux').document), withoutLocations(first.document));
  assert.equal(
    printed,
    [
      'import type { A, B as C } from "./types.ts";',
      "N (a: Map<string, number[]>, b: 'x' | \"y\") => (f: (x: number) => Promise<void>, o: { k: string; v?: number });",
      'source S {session: K} => P;',
      'source T => P;',
      'typedef hit Hit;',
      'P = N -> M;',
      'P:[_, *, hit, !hit] = ;',
      'atomic N:{a, b?, c!, d(session), e?(program)};',
      'constraint M:{z};',
      'handle error N => H;',
      '',
    ].join('\n'),
  );
});
