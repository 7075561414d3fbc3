import { Diagnostics, type DiagnosticMessage } from '../diagnostics/messages.ts';
import type { Span } from './location.ts';
import type { Source } from './source.ts';
import { TokenKind, type Token } from './tokens.ts';

/** Where the lexer sends the problems it finds; it never throws. */
export type LexerErrorSink = (message: DiagnosticMessage, span: Span, args?: readonly string[]) => void;

/** The raw text of a type expression and where it ends; see `Lexer.scanTypeExpression`. */
export interface ScannedType extends Span {
  /** The type's text with comments removed (not yet normalised). */
  readonly text: string;
}

const PUNCTUATION: Readonly<Record<string, TokenKind>> = {
  '(': TokenKind.ParenL,
  ')': TokenKind.ParenR,
  '{': TokenKind.BraceL,
  '}': TokenKind.BraceR,
  '[': TokenKind.BracketL,
  ']': TokenKind.BracketR,
  ',': TokenKind.Comma,
  ';': TokenKind.Semicolon,
  ':': TokenKind.Colon,
  '?': TokenKind.Question,
  '!': TokenKind.Bang,
  '*': TokenKind.Star,
};

const CLOSER_OF: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>' };

function isNameStart(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_' || ch === '$';
}

function isNameContinue(ch: string): boolean {
  return isNameStart(ch) || (ch >= '0' && ch <= '9');
}

/**
 * Turns source text into tokens on demand. Comments and whitespace are skipped. Type expressions are not
 * tokenised: the parser asks for them as raw text with `scanTypeExpression`, because TypeScript's type
 * syntax is far richer than Flux's own.
 */
export class Lexer {
  readonly source: Source;
  private readonly onError: LexerErrorSink;
  private position = 0;

  constructor(source: Source, onError: LexerErrorSink) {
    this.source = source;
    this.onError = onError;
  }

  /** Continues lexing from `offset` (used after a type expression has been scanned). */
  resetTo(offset: number): void {
    this.position = offset;
  }

  next(): Token {
    const body = this.source.body;
    for (;;) {
      this.position = this.skipTrivia(this.position);
      const start = this.position;
      if (start >= body.length) return { kind: TokenKind.EOF, value: '', start, end: start };
      const ch = body[start];

      if (isNameStart(ch)) {
        let end = start + 1;
        while (end < body.length && isNameContinue(body[end])) end++;
        this.position = end;
        return { kind: TokenKind.Name, value: body.slice(start, end), start, end };
      }
      if (ch === '"' || ch === "'") return this.readString(start, ch);
      if (ch === '=' && body[start + 1] === '>') return this.punct(TokenKind.FatArrow, start, 2);
      if (ch === '-' && body[start + 1] === '>') return this.punct(TokenKind.Arrow, start, 2);
      if (ch === '=') return this.punct(TokenKind.Equals, start, 1);
      const kind = PUNCTUATION[ch];
      if (kind !== undefined) return this.punct(kind, start, 1);

      const codePoint = body.codePointAt(start) ?? 0;
      const width = codePoint > 0xffff ? 2 : 1;
      this.onError(Diagnostics.UnexpectedCharacter, { start, end: start + width }, [String.fromCodePoint(codePoint)]);
      this.position = start + width;
    }
  }

  /**
   * Scans a TypeScript type expression starting at `offset`: balanced (), [], {}, <> and string literals,
   * ending before a `,` or `)` at depth 0 (or a `;`, which can only mean a missing `)`). `=>` does not
   * close a `<`. Leaves the lexer positioned at the end of the type.
   */
  scanTypeExpression(offset: number): ScannedType {
    const body = this.source.body;
    const openers: { readonly ch: string; readonly at: number }[] = [];
    let text = '';
    let i = this.skipTrivia(offset);
    const start = i;
    let end = i;
    let segmentStart = i;

    const stop = (): ScannedType => {
      text += body.slice(segmentStart, end);
      this.position = end;
      return { text: text.trim(), start, end };
    };

    while (i < body.length) {
      const ch = body[i];
      if (ch === '/' && (body[i + 1] === '/' || body[i + 1] === '*')) {
        // Comments inside a type are dropped from its text.
        text += body.slice(segmentStart, i) + ' ';
        i = this.skipTrivia(i);
        segmentStart = i;
        continue;
      }
      if (ch === '"' || ch === "'" || ch === '`') {
        const close = this.findStringEnd(i, ch);
        if (close < 0) {
          this.onError(Diagnostics.UnterminatedString, { start: i, end: i + 1 });
          end = body.length;
          return stop();
        }
        i = close + 1;
        end = i;
        continue;
      }
      if (ch === '=' && body[i + 1] === '>') {
        i += 2;
        end = i;
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{' || ch === '<') {
        openers.push({ ch, at: i });
        i++;
        end = i;
        continue;
      }
      if (ch === ')' || ch === ']' || ch === '}' || ch === '>') {
        const top = openers.at(-1);
        if (top === undefined) {
          if (ch === ')') return stop();
          this.onError(Diagnostics.MismatchedBracketInType, { start: i, end: i + 1 }, [ch, 'nothing']);
          i++;
          end = i;
          continue;
        }
        if (CLOSER_OF[top.ch] !== ch) {
          // A stray closer: if it closes something further out, the inner opener is the one left open.
          this.onError(Diagnostics.MismatchedBracketInType, { start: i, end: i + 1 }, [ch, top.ch]);
          end = i;
          return stop();
        }
        openers.pop();
        i++;
        end = i;
        continue;
      }
      if (openers.length === 0 && (ch === ',' || ch === ';')) return stop();
      if (ch === ';' && openers.length > 0 && openers.at(-1)?.ch !== '{') {
        // A `;` outside an object type ends the declaration: the brackets before it were never closed.
        break;
      }
      if (!/\s/.test(ch)) end = i + 1;
      i++;
    }
    const open = openers.at(-1);
    if (open !== undefined) {
      this.onError(Diagnostics.UnclosedBracketInType, { start: open.at, end: open.at + 1 }, [open.ch]);
    }
    return stop();
  }

  private punct(kind: TokenKind, start: number, length: number): Token {
    this.position = start + length;
    return { kind, value: '', start, end: start + length };
  }

  private readString(start: number, quote: string): Token {
    const close = this.findStringEnd(start, quote);
    const body = this.source.body;
    if (close < 0) {
      let end = start + 1;
      while (end < body.length && body[end] !== '\n' && body[end] !== '\r') end++;
      this.onError(Diagnostics.UnterminatedString, { start, end });
      this.position = end;
      return { kind: TokenKind.String, value: body.slice(start + 1, end), start, end };
    }
    this.position = close + 1;
    const raw = body.slice(start + 1, close);
    return { kind: TokenKind.String, value: raw.replace(/\\(.)/g, '$1'), start, end: close + 1 };
  }

  /** Offset of the quote closing the string that opens at `start`, or -1. Plain strings end at a line break. */
  private findStringEnd(start: number, quote: string): number {
    const body = this.source.body;
    for (let i = start + 1; i < body.length; i++) {
      const ch = body[i];
      if (ch === '\\') i++;
      else if (ch === quote) return i;
      else if (quote !== '`' && (ch === '\n' || ch === '\r')) return -1;
    }
    return -1;
  }

  private skipTrivia(from: number): number {
    const body = this.source.body;
    let i = from;
    while (i < body.length) {
      const ch = body[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\uFEFF') {
        i++;
      } else if (ch === '/' && body[i + 1] === '/') {
        while (i < body.length && body[i] !== '\n' && body[i] !== '\r') i++;
      } else if (ch === '/' && body[i + 1] === '*') {
        const close = body.indexOf('*/', i + 2);
        if (close < 0) {
          this.onError(Diagnostics.UnterminatedComment, { start: i, end: i + 2 });
          return body.length;
        }
        i = close + 2;
      } else {
        break;
      }
    }
    return i;
  }
}
