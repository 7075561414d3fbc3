import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeTypeText } from '../../src/language/typeText.ts';

const cases: readonly [string, string][] = [
  ['Map<string,number>', 'Map<string, number>'],
  ['Map< string ,\n  number >', 'Map<string, number>'],
  ['{a:string;b?:number;}', '{ a: string; b?: number }'],
  ['(x:number)=>void', '(x: number) => void'],
  ['A|B', 'A | B'],
  ['| "a" | "b"', '"a" | "b"'],
  ['readonly string[]', 'readonly string[]'],
  ['T extends string?A:B', 'T extends string ? A : B'],
  ['[conn:Conn,keep?:boolean,]', '[conn: Conn, keep?: boolean]'],
  ['Promise<(a:string)=>Promise<void>>', 'Promise<(a: string) => Promise<void>>'],
  ['{ readonly [K in keyof T]?: T[K] }', '{ readonly [K in keyof T]?: T[K] }'],
  ['typeof  foo.bar', 'typeof foo.bar'],
  ['{}', '{}'],
];

for (const [input, expected] of cases) {
  test(`normalises ${JSON.stringify(input)}`, () => {
    assert.equal(normalizeTypeText(input), expected);
    assert.equal(normalizeTypeText(expected), expected, 'normalising twice changes nothing');
  });
}
