import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProgram, formatDiagnostics, formatDiagnosticsJson } from '../../src/index.ts';

const PROGRAM = `S () => (n: number);
A (n: number) => ();
A (n: string) => ();
source S => A;
`;

test('text format: headline, source line, carets under the whole span, related notes with their own excerpt', () => {
  const { diagnostics } = checkProgram(PROGRAM, 'dup.flux');
  assert.equal(
    formatDiagnostics(diagnostics, PROGRAM),
    [
      "dup.flux:3:1: error FLUX2001: node 'A' is declared more than once",
      '3 | A (n: string) => ();',
      '  | ^',
      "  = note: dup.flux:2:1: 'A' is first declared here",
      '    2 | A (n: number) => ();',
      '      | ^',
      '',
    ].join('\n'),
  );
});

test('text format: carets span the whole token, tabs are kept so carets line up', () => {
  const text = 'S () => (n: number);\nP (n: number) => ();\nsource S => P;\n\tP = Missing;\n';
  const { diagnostics } = checkProgram(text, 'tab.flux');
  assert.equal(
    formatDiagnostics(diagnostics, text),
    ["tab.flux:4:6: error FLUX2002: unknown node 'Missing'", '4 | \tP = Missing;', '  | \t    ^^^^^^^', ''].join('\n'),
  );
});

test('text format: each diagnostic starts with exactly one path:line:col: severity FLUXnnnn: message line', () => {
  const text = 'A (int x) => ();\nB = ;\nsource Q => B;\n';
  const { diagnostics } = checkProgram(text, 'many.flux');
  const headlines = formatDiagnostics(diagnostics, text)
    .split('\n')
    .filter((line) => /^many\.flux:\d+:\d+: (error|warning|note) FLUX\d{4}: /.test(line));
  assert.equal(headlines.length, diagnostics.length);
  assert.ok(diagnostics.length >= 2, 'several problems are all reported');
});

test('JSON format for tools', () => {
  const { diagnostics } = checkProgram(PROGRAM, 'dup.flux');
  const [entry] = JSON.parse(formatDiagnosticsJson(diagnostics, PROGRAM)) as Record<string, unknown>[];
  assert.deepEqual(
    { ...entry, related: undefined },
    {
      file: 'dup.flux',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 2,
      severity: 'error',
      code: 'FLUX2001',
      message: "node 'A' is declared more than once",
      start: 42,
      length: 1,
      related: undefined,
    },
  );
});
