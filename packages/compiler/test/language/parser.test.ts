import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Declaration } from '../../src/language/ast.ts';
import { parse } from '../../src/language/parser.ts';
import { syntaxErrors, withoutLocations } from '../helpers/diagnose.ts';

function parseOne(text: string): unknown {
  const result = parse(text, 'test.flux');
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.document.declarations.length, 1);
  return withoutLocations(result.document.declarations[0]);
}

const name = (value: string) => ({ kind: 'Name', value });
const param = (n: string, type: string) => ({ kind: 'Parameter', name: name(n), type: { kind: 'TypeExpression', text: type } });

describe('parser: every construct', () => {
  test('import type, with an alias', () => {
    assert.deepEqual(parseOne('import type { Conn, Request as Req } from "./types.ts";'), {
      kind: 'ImportTypeDeclaration',
      specifiers: [
        { kind: 'ImportSpecifier', name: name('Conn'), alias: null },
        { kind: 'ImportSpecifier', name: name('Request'), alias: name('Req') },
      ],
      from: { kind: 'StringLiteral', value: './types.ts' },
    });
  });

  test('node declaration with named TypeScript parameters', () => {
    assert.deepEqual(parseOne('ReadRequest (conn: Conn) => (conn: Conn, keepAlive: boolean, request: Request);'), {
      kind: 'NodeDeclaration',
      name: name('ReadRequest'),
      inputs: [param('conn', 'Conn')],
      outputs: [param('conn', 'Conn'), param('keepAlive', 'boolean'), param('request', 'Request')],
    });
  });

  test('node declaration with no inputs and no outputs', () => {
    assert.deepEqual(parseOne('Tick () => ();'), { kind: 'NodeDeclaration', name: name('Tick'), inputs: [], outputs: [] });
  });

  test('rich type expressions: generics, unions, arrays, object types, function types, strings, comments', () => {
    const declaration = parseOne(
      `N (a: Map<string,Array<number>>, b: 'x' | "y,)", c: { k: string; v?: number[] }, d: (x: number, y: string) => Promise<void>, e: readonly [a: number, b?: string] /* note */, f: Record<string, (n: number) => boolean>) => ();`,
    ) as { inputs: { type: { text: string } }[] };
    assert.deepEqual(
      declaration.inputs.map((p) => p.type.text),
      [
        'Map<string, Array<number>>',
        `'x' | "y,)"`,
        '{ k: string; v?: number[] }',
        '(x: number, y: string) => Promise<void>',
        'readonly [a: number, b?: string]',
        'Record<string, (n: number) => boolean>',
      ],
    );
  });

  test('source, with and without a session function', () => {
    assert.deepEqual(parseOne('source Listen => Page;'), { kind: 'SourceDeclaration', node: name('Listen'), session: null, target: name('Page') });
    assert.deepEqual(parseOne('source Listen {session: SessionId} => Page;'), {
      kind: 'SourceDeclaration',
      node: name('Listen'),
      session: name('SessionId'),
      target: name('Page'),
    });
  });

  test('typedef', () => {
    assert.deepEqual(parseOne('typedef hit TestInCache;'), { kind: 'TypedefDeclaration', predicate: name('hit'), fn: name('TestInCache') });
  });

  test('flow, and empty flow', () => {
    assert.deepEqual(parseOne('Page = ReadRequest -> ReadWrite -> Reply;'), {
      kind: 'FlowDeclaration',
      node: name('Page'),
      pattern: null,
      chain: [name('ReadRequest'), name('ReadWrite'), name('Reply')],
    });
    assert.deepEqual(parseOne('Pass = ;'), { kind: 'FlowDeclaration', node: name('Pass'), pattern: null, chain: [] });
  });

  test('dispatch with _, * and !negation', () => {
    assert.deepEqual(parseOne('Handler:[_, *, hit, !miss] = ;'), {
      kind: 'FlowDeclaration',
      node: name('Handler'),
      pattern: [
        { kind: 'WildcardPattern', token: '_' },
        { kind: 'WildcardPattern', token: '*' },
        { kind: 'PredicatePattern', predicate: name('hit'), negate: false },
        { kind: 'PredicatePattern', predicate: name('miss'), negate: true },
      ],
      chain: [],
    });
  });

  test('atomic and constraint, readers, writers and scopes', () => {
    assert.deepEqual(parseOne('atomic CheckCache:{cache, stats?, log!, user?(session), all(program)};'), {
      kind: 'AtomicDeclaration',
      keyword: 'atomic',
      node: name('CheckCache'),
      locks: [
        { kind: 'LockSpec', name: name('cache'), marker: null, scope: null },
        { kind: 'LockSpec', name: name('stats'), marker: '?', scope: null },
        { kind: 'LockSpec', name: name('log'), marker: '!', scope: null },
        { kind: 'LockSpec', name: name('user'), marker: '?', scope: 'session' },
        { kind: 'LockSpec', name: name('all'), marker: null, scope: 'program' },
      ],
    });
    assert.equal((parseOne('constraint X:{a};') as Declaration & { keyword: string }).keyword, 'constraint');
  });

  test('error handler', () => {
    assert.deepEqual(parseOne('handle error ReadWrite => FourOhFour;'), { kind: 'HandlerDeclaration', node: name('ReadWrite'), handler: name('FourOhFour') });
  });

  test('comments anywhere, declarations in any order', () => {
    const result = parse('// line\nPage = A; /* block\n over lines */ A (x: number) => ();\nsource S => Page; // end', 'test.flux');
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.document.declarations.map((d) => d.kind),
      ['FlowDeclaration', 'NodeDeclaration', 'SourceDeclaration'],
    );
  });

  test('spans: a declaration spans from its first token to its semicolon', () => {
    const result = parse('  Page = A -> B;  ', 'test.flux');
    assert.deepEqual(result.document.declarations[0].loc, { start: 2, end: 16 });
  });
});

describe('parser: syntax errors (exact message and line:col)', () => {
  const cases: readonly [string, string, readonly string[]][] = [
    ['FLUX1001 unexpected character', 'A = B # C;', ["1:7 FLUX1001: unexpected character '#'", "1:9 FLUX1004: expected ';', found 'C'"]],
    ['FLUX1002 unterminated string', 'import type { A } from "./t.ts;', ['1:24 FLUX1002: unterminated string literal', "1:32 FLUX1004: expected ';', found end of file"]],
    ['FLUX1003 unterminated comment', 'A = B;\n/* never closed', ["2:1 FLUX1003: unterminated comment: '/*' has no matching '*/'"]],
    ['FLUX1004 expected token', 'source Listen Page;', ["1:15 FLUX1004: expected '=>', found 'Page'"]],
    ['FLUX1004 at end of file', 'Page = A -> B', ["1:14 FLUX1004: expected ';', found end of file"]],
    ['FLUX1005 expected declaration', '-> A;', ["1:1 FLUX1005: expected a declaration, found '->'"]],
    ['FLUX1006 missing type', 'A (x: ) => ();', ["1:5 FLUX1006: expected a type after ':'"]],
    ['FLUX1007 unclosed bracket in type', 'A (x: Array<string;', ["1:12 FLUX1007: '<' in a type is never closed", "1:19 FLUX1004: expected ')', found ';'"]],
    ['FLUX1008 mismatched bracket in type', 'A (x: Map<string) => ();', ["1:17 FLUX1008: ')' in a type does not close '<'"]],
    ['FLUX1009 unknown lock scope', 'atomic A:{x(global)};', ["1:13 FLUX1009: unknown lock scope 'global': expected 'program' or 'session'"]],
    ['FLUX1010 unknown source option', 'source L {sesion: K} => P;', ["1:11 FLUX1010: unknown source option 'sesion': expected 'session'"]],
    ['FLUX1011 2006-style parameter', 'Page (int socket) => ();', ["1:11 FLUX1011: expected ':' after parameter name 'int': Flux-TS writes parameters as 'name: Type'"]],
    ['FLUX1012 empty pattern', 'A:[] = B;', ['1:3 FLUX1012: a dispatch pattern needs at least one element']],
    ['FLUX1013 keyword as node name', 'Page = source;', ["1:8 FLUX1013: 'source' is a keyword and cannot name a node"]],
  ];
  for (const [title, text, expected] of cases) {
    test(title, () => assert.deepEqual(syntaxErrors(text), expected));
  }

  test('recovery at ;: every error is reported and later declarations still parse', () => {
    const text = 'A (x: number) => ();\nB = C ->;\nD (int y) => ();\nE = A;\nsource S => E';
    const result = parse(text, 'test.flux');
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.line}:${d.column} FLUX${d.code}`),
      ['2:9 FLUX1004', '3:8 FLUX1011', '5:14 FLUX1004'],
    );
    assert.deepEqual(
      result.document.declarations.map((d) => d.kind),
      ['NodeDeclaration', 'FlowDeclaration'],
    );
  });

  test('a missing ; before a keyword does not swallow the next declaration', () => {
    const result = parse('Page = A -> B\nsource S => Page;', 'test.flux');
    assert.deepEqual(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`), ["2:1 expected ';', found 'source'"]);
    assert.deepEqual(result.document.declarations.map((d) => d.kind), ['SourceDeclaration']);
  });
});
