import { checkProgram } from '../../src/index.ts';
import { parse } from '../../src/language/parser.ts';

/** Diagnostics as `line:col severity FLUXcode: message`, the form the tests compare. */
export function diagnose(text: string, fileName = 'test.flux'): string[] {
  return checkProgram(text, fileName).diagnostics.map((d) => `${d.line}:${d.column} ${d.category} FLUX${d.code}: ${d.message}`);
}

/** Only the parser's diagnostics. */
export function syntaxErrors(text: string): string[] {
  return parse(text, 'test.flux').diagnostics.map((d) => `${d.line}:${d.column} FLUX${d.code}: ${d.message}`);
}

/** Drops `loc` everywhere, so trees can be compared regardless of positions. */
export function withoutLocations(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'loc' ? undefined : v)));
}
