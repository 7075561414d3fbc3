import { DiagnosticBag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { Diagnostics, type DiagnosticMessage } from '../diagnostics/messages.ts';
import type {
  AtomicDeclaration,
  Declaration,
  Document,
  FlowDeclaration,
  HandlerDeclaration,
  ImportSpecifier,
  ImportTypeDeclaration,
  LockSpec,
  Name,
  NodeDeclaration,
  Parameter,
  PatternElement,
  SourceDeclaration,
  StringLiteral,
  TypedefDeclaration,
  TypeExpression,
} from './ast.ts';
import { Lexer } from './lexer.ts';
import type { Span } from './location.ts';
import { createSource, type Source } from './source.ts';
import { DECLARATION_KEYWORDS, describeToken, TokenKind, type Token } from './tokens.ts';
import { normalizeTypeText } from './typeText.ts';

export interface ParseResult {
  readonly document: Document;
  readonly source: Source;
  readonly diagnostics: readonly Diagnostic[];
}

/** Thrown inside a declaration after its first syntax error; the parser then resumes after the next `;`. */
class DeclarationAbandoned extends Error {}

export function parse(text: string | Source, fileName = 'program.flux'): ParseResult {
  const source = typeof text === 'string' ? createSource(text, fileName) : text;
  const bag = new DiagnosticBag(source);
  const parser = new Parser(source, bag);
  const document = parser.parseDocument();
  return { document, source, diagnostics: bag.items };
}

/** A recursive-descent parser that reports every syntax error, recovering at `;`. */
class Parser {
  private readonly lexer: Lexer;
  private readonly bag: DiagnosticBag;
  private token: Token;
  private previousEnd = 0;

  constructor(source: Source, bag: DiagnosticBag) {
    this.bag = bag;
    this.lexer = new Lexer(source, (message, span, args) => this.bag.report(message, span, args));
    this.token = this.lexer.next();
  }

  parseDocument(): Document {
    const declarations: Declaration[] = [];
    while (this.token.kind !== TokenKind.EOF) {
      const declarationStart = this.token.start;
      try {
        declarations.push(this.parseDeclaration());
      } catch (error) {
        if (!(error instanceof DeclarationAbandoned)) throw error;
        // A missing `;` shows up as the next declaration's keyword: resume there rather than lose it.
        const atNextDeclaration =
          this.token.kind === TokenKind.Name && DECLARATION_KEYWORDS.has(this.token.value) && this.token.start > declarationStart;
        if (!atNextDeclaration) this.skipPastSemicolon();
      }
    }
    return { kind: 'Document', declarations, loc: { start: 0, end: this.lexer.source.body.length } };
  }

  private parseDeclaration(): Declaration {
    const token = this.token;
    if (token.kind !== TokenKind.Name) this.fail(Diagnostics.ExpectedDeclaration, token, [describeToken(token)]);
    switch (token.value) {
      case 'import':
        return this.parseImport();
      case 'source':
        return this.parseSource();
      case 'typedef':
        return this.parseTypedef();
      case 'atomic':
      case 'constraint':
        return this.parseAtomic();
      case 'handle':
        return this.parseHandler();
      default:
        return this.parseNamedDeclaration();
    }
  }

  /** `import type { A, B as C } from "./types.ts";` */
  private parseImport(): ImportTypeDeclaration {
    const start = this.expectKeyword('import');
    this.expectKeyword('type');
    this.expect(TokenKind.BraceL);
    const specifiers: ImportSpecifier[] = [];
    while (this.token.kind !== TokenKind.BraceR) {
      const name = this.parseName();
      let alias: Name | null = null;
      if (this.isKeyword('as')) {
        this.advance();
        alias = this.parseName();
      }
      specifiers.push({ kind: 'ImportSpecifier', name, alias, loc: { start: name.loc.start, end: (alias ?? name).loc.end } });
      if (this.token.kind !== TokenKind.Comma) break;
      this.advance();
    }
    this.expect(TokenKind.BraceR);
    this.expectKeyword('from');
    const from = this.parseString();
    const end = this.expect(TokenKind.Semicolon);
    return { kind: 'ImportTypeDeclaration', specifiers, from, loc: { start, end } };
  }

  /** `source Listen {session: SessionId} => Page;` */
  private parseSource(): SourceDeclaration {
    const start = this.expectKeyword('source');
    const node = this.parseNodeName();
    let session: Name | null = null;
    if (this.token.kind === TokenKind.BraceL) {
      this.advance();
      const option = this.parseName();
      if (option.value !== 'session') this.fail(Diagnostics.UnknownSourceOption, option.loc, [option.value]);
      this.expect(TokenKind.Colon);
      session = this.parseName();
      this.expect(TokenKind.BraceR);
    }
    this.expect(TokenKind.FatArrow);
    const target = this.parseNodeName();
    const end = this.expect(TokenKind.Semicolon);
    return { kind: 'SourceDeclaration', node, session, target, loc: { start, end } };
  }

  /** `typedef hit TestInCache;` */
  private parseTypedef(): TypedefDeclaration {
    const start = this.expectKeyword('typedef');
    const predicate = this.parseName();
    const fn = this.parseName();
    const end = this.expect(TokenKind.Semicolon);
    return { kind: 'TypedefDeclaration', predicate, fn, loc: { start, end } };
  }

  /** `atomic Node:{a, b?, c!(session)};` */
  private parseAtomic(): AtomicDeclaration {
    const keyword = this.token.value === 'constraint' ? 'constraint' : 'atomic';
    const start = this.expectKeyword(keyword);
    const node = this.parseNodeName();
    this.expect(TokenKind.Colon);
    this.expect(TokenKind.BraceL);
    const locks: LockSpec[] = [this.parseLock()];
    while (this.token.kind === TokenKind.Comma) {
      this.advance();
      locks.push(this.parseLock());
    }
    this.expect(TokenKind.BraceR);
    const end = this.expect(TokenKind.Semicolon);
    return { kind: 'AtomicDeclaration', keyword, node, locks, loc: { start, end } };
  }

  private parseLock(): LockSpec {
    const name = this.parseName();
    let marker: LockSpec['marker'] = null;
    if (this.token.kind === TokenKind.Question || this.token.kind === TokenKind.Bang) {
      marker = this.token.kind === TokenKind.Question ? '?' : '!';
      this.advance();
    }
    let scope: LockSpec['scope'] = null;
    if (this.token.kind === TokenKind.ParenL) {
      this.advance();
      const scopeName = this.parseName();
      if (scopeName.value !== 'program' && scopeName.value !== 'session') {
        this.fail(Diagnostics.UnknownLockScope, scopeName.loc, [scopeName.value]);
      }
      scope = scopeName.value;
      this.expect(TokenKind.ParenR);
    }
    return { kind: 'LockSpec', name, marker, scope, loc: { start: name.loc.start, end: this.previousEnd } };
  }

  /** `handle error ReadWrite => FourOhFour;` */
  private parseHandler(): HandlerDeclaration {
    const start = this.expectKeyword('handle');
    this.expectKeyword('error');
    const node = this.parseNodeName();
    this.expect(TokenKind.FatArrow);
    const handler = this.parseName();
    const end = this.expect(TokenKind.Semicolon);
    return { kind: 'HandlerDeclaration', node, handler, loc: { start, end } };
  }

  /** A declaration that starts with a node name: a signature, a flow or a dispatch case. */
  private parseNamedDeclaration(): NodeDeclaration | FlowDeclaration {
    const name = this.parseNodeName();
    switch (this.token.kind) {
      case TokenKind.ParenL:
        return this.parseNodeSignature(name);
      case TokenKind.Equals:
        return this.parseFlow(name, null);
      case TokenKind.Colon: {
        this.advance();
        const pattern = this.parsePattern();
        return this.parseFlow(name, pattern);
      }
      default:
        return this.fail(Diagnostics.Expected, this.token, ["'(', '=' or ':'", describeToken(this.token)]);
    }
  }

  private parseNodeSignature(name: Name): NodeDeclaration {
    const inputs = this.parseParameterList();
    this.expect(TokenKind.FatArrow);
    const outputs = this.parseParameterList();
    const end = this.expect(TokenKind.Semicolon);
    return { kind: 'NodeDeclaration', name, inputs, outputs, loc: { start: name.loc.start, end } };
  }

  private parseParameterList(): Parameter[] {
    this.expect(TokenKind.ParenL);
    const parameters: Parameter[] = [];
    while (this.token.kind !== TokenKind.ParenR) {
      parameters.push(this.parseParameter());
      if (this.token.kind !== TokenKind.Comma) break;
      this.advance();
    }
    this.expect(TokenKind.ParenR);
    return parameters;
  }

  private parseParameter(): Parameter {
    const name = this.parseName();
    if (this.token.kind !== TokenKind.Colon) {
      if (this.token.kind === TokenKind.Name) this.fail(Diagnostics.ParameterNeedsName, this.token, [name.value]);
      this.fail(Diagnostics.Expected, this.token, ["':'", describeToken(this.token)]);
    }
    const colon = this.token;
    const scanned = this.lexer.scanTypeExpression(colon.end);
    const text = normalizeTypeText(scanned.text);
    if (text === '') this.fail(Diagnostics.ExpectedType, colon);
    this.previousEnd = scanned.end;
    this.token = this.lexer.next();
    const type: TypeExpression = { kind: 'TypeExpression', text, loc: { start: scanned.start, end: scanned.end } };
    return { kind: 'Parameter', name, type, loc: { start: name.loc.start, end: scanned.end } };
  }

  /** `[_, hit, !miss]` */
  private parsePattern(): PatternElement[] {
    const open = this.expect(TokenKind.BracketL);
    const elements: PatternElement[] = [];
    if (this.token.kind === TokenKind.BracketR) this.fail(Diagnostics.EmptyPattern, { start: open - 1, end: this.token.end });
    for (;;) {
      elements.push(this.parsePatternElement());
      if (this.token.kind !== TokenKind.Comma) break;
      this.advance();
    }
    this.expect(TokenKind.BracketR);
    return elements;
  }

  private parsePatternElement(): PatternElement {
    const token = this.token;
    if (token.kind === TokenKind.Star || (token.kind === TokenKind.Name && token.value === '_')) {
      this.advance();
      return { kind: 'WildcardPattern', token: token.kind === TokenKind.Star ? '*' : '_', loc: { start: token.start, end: token.end } };
    }
    if (token.kind === TokenKind.Bang) {
      this.advance();
      const predicate = this.parseName();
      return { kind: 'PredicatePattern', predicate, negate: true, loc: { start: token.start, end: predicate.loc.end } };
    }
    if (token.kind !== TokenKind.Name) {
      this.fail(Diagnostics.Expected, token, ["'_', '*', a predicate or '!' and a predicate", describeToken(token)]);
    }
    const predicate = this.parseName();
    return { kind: 'PredicatePattern', predicate, negate: false, loc: predicate.loc };
  }

  /** `= A -> B -> C;` or `= ;` */
  private parseFlow(node: Name, pattern: PatternElement[] | null): FlowDeclaration {
    this.expect(TokenKind.Equals);
    const chain: Name[] = [];
    if (this.token.kind !== TokenKind.Semicolon) {
      chain.push(this.parseNodeName());
      while (this.token.kind === TokenKind.Arrow) {
        this.advance();
        chain.push(this.parseNodeName());
      }
    }
    const end = this.expect(TokenKind.Semicolon);
    return { kind: 'FlowDeclaration', node, pattern, chain, loc: { start: node.loc.start, end } };
  }

  private parseNodeName(): Name {
    const name = this.parseName();
    if (DECLARATION_KEYWORDS.has(name.value)) this.fail(Diagnostics.ReservedNodeName, name.loc, [name.value]);
    return name;
  }

  private parseName(): Name {
    const token = this.token;
    if (token.kind !== TokenKind.Name) this.fail(Diagnostics.Expected, token, ['a name', describeToken(token)]);
    this.advance();
    return { kind: 'Name', value: token.value, loc: { start: token.start, end: token.end } };
  }

  private parseString(): StringLiteral {
    const token = this.token;
    if (token.kind !== TokenKind.String) this.fail(Diagnostics.Expected, token, ['a string', describeToken(token)]);
    this.advance();
    return { kind: 'StringLiteral', value: token.value, loc: { start: token.start, end: token.end } };
  }

  private isKeyword(word: string): boolean {
    return this.token.kind === TokenKind.Name && this.token.value === word;
  }

  /** Consumes the keyword and returns its start offset. */
  private expectKeyword(word: string): number {
    const token = this.token;
    if (!this.isKeyword(word)) this.fail(Diagnostics.Expected, token, [`'${word}'`, describeToken(token)]);
    this.advance();
    return token.start;
  }

  /** Consumes a token of `kind` and returns its end offset. */
  private expect(kind: TokenKind): number {
    const token = this.token;
    if (token.kind !== kind) this.fail(Diagnostics.Expected, token, [`'${kind}'`, describeToken(token)]);
    this.advance();
    return token.end;
  }

  private advance(): void {
    this.previousEnd = this.token.end;
    this.token = this.lexer.next();
  }

  private fail(message: DiagnosticMessage, span: Span, args: readonly string[] = []): never {
    this.bag.report(message, { start: span.start, end: span.end }, args);
    throw new DeclarationAbandoned();
  }

  private skipPastSemicolon(): void {
    while (this.token.kind !== TokenKind.EOF && this.token.kind !== TokenKind.Semicolon) this.advance();
    if (this.token.kind === TokenKind.Semicolon) this.advance();
  }
}
