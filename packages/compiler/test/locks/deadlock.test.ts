import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compile } from '../../src/index.ts';

const text = readFileSync(new URL('../programs/deadlock.flux', import.meta.url), 'utf8');

test('the 2006 deadlock test gives exactly its three elevations, in order: y to D, x to F, x to D', () => {
  const result = compile(text, 'deadlock.flux');
  const notes = result.diagnostics.map((d) => `${d.line}:${d.column} ${d.category} FLUX${d.code}: ${d.message}`);
  assert.deepEqual(notes, [
    "18:11 note FLUX3001: elevating lock 'y' to 'D' (needed by 'F' inside 'D' out of canonical order)",
    "19:11 note FLUX3002: elevating lock 'x' to 'F' (needed by 'G' after 'F' inside atomic 'D' out of canonical order)",
    "18:8 note FLUX3001: elevating lock 'x' to 'D' (needed by 'F' inside 'D' out of canonical order)",
  ]);
});

test('the deadlock test lowers to final lock sets with elevated locks marked', () => {
  const { ir } = compile(text, 'deadlock.flux');
  assert.ok(ir);
  assert.deepEqual(ir.locks.map((l) => l.name), ['x', 'y', 'z']);
  const locksOf = (name: string) =>
    ir.nodes.find((n) => n.name === name)?.locks.map((l) => `${ir.locks[l.lock].name}${l.mode === 'read' ? '?' : ''}${l.elevated ? '+' : ''}`);
  assert.deepEqual(locksOf('D'), ['x+', 'y+', 'z']);
  assert.deepEqual(locksOf('F'), ['x+', 'y']);
  assert.deepEqual(locksOf('G'), ['x']);
  assert.deepEqual(locksOf('C'), ['x']);
  assert.deepEqual(locksOf('E'), ['y', 'z']);
});

test('an inner writer under an outer reader raises the outer lock to writer, with a note', () => {
  const program = `
S () => (n: number);
Outer (n: number) => ();
Inner (n: number) => ();
source S => Outer;
Outer = Inner;
atomic Outer:{cache?};
atomic Inner:{cache!};
`;
  const result = compile(program, 'writer.flux');
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.line}:${d.column} FLUX${d.code}: ${d.message}`),
    ["8:15 FLUX3003: elevating lock 'cache' in 'Outer' from reader to writer (written by 'Inner' inside 'Outer')"],
  );
  const outer = result.ir?.nodes.find((n) => n.name === 'Outer');
  assert.deepEqual(outer?.locks, [{ lock: 0, mode: 'write', elevated: true }]);
});

test('a lock held by an enclosing node is not taken again (no elevation, no note)', () => {
  const program = `
S () => (n: number);
Outer (n: number) => ();
Inner (n: number) => ();
source S => Outer;
Outer = Inner;
atomic Outer:{a, b};
atomic Inner:{a};
`;
  const result = compile(program, 'reentrant.flux');
  assert.deepEqual(result.diagnostics, []);
});

test('program scope sorts before session scope for the same name; they are distinct locks', () => {
  const program = `
S () => (n: number);
T () => (n: number);
A (n: number) => ();
B (n: number) => ();
source S {session: Key} => A;
source T => B;
atomic A:{m(session)};
atomic B:{m2, a};
`;
  const { ir, diagnostics } = compile(program, 'scopes.flux');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(ir?.locks, [
    { name: 'a', scope: 'program' },
    { name: 'm', scope: 'session' },
    { name: 'm2', scope: 'program' },
  ]);
});
