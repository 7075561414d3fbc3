import type { Span } from './location.ts';

/** Token kinds. Keywords are lexed as names; the parser recognises them by value. */
export const TokenKind = {
  EOF: '<end of file>',
  Name: 'Name',
  String: 'String',
  ParenL: '(',
  ParenR: ')',
  BraceL: '{',
  BraceR: '}',
  BracketL: '[',
  BracketR: ']',
  Comma: ',',
  Semicolon: ';',
  Colon: ':',
  Equals: '=',
  FatArrow: '=>',
  Arrow: '->',
  Question: '?',
  Bang: '!',
  Star: '*',
} as const;

export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface Token extends Span {
  readonly kind: TokenKind;
  /** The name's text, or the string literal's decoded value; empty for punctuation. */
  readonly value: string;
}

/** Words that start a declaration and so cannot name a node. */
export const DECLARATION_KEYWORDS: ReadonlySet<string> = new Set([
  'import',
  'source',
  'typedef',
  'atomic',
  'constraint',
  'handle',
]);

/** How a token is named in "expected X, found Y" messages. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case TokenKind.EOF:
      return 'end of file';
    case TokenKind.Name:
      return `'${token.value}'`;
    case TokenKind.String:
      return 'a string';
    default:
      return `'${token.kind}'`;
  }
}
