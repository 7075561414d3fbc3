import type { Span } from './location.ts';

/**
 * The syntax tree of a Flux-TS program: readonly interfaces discriminated by `kind`, each with its span.
 * The tree keeps how things were written (`atomic` or `constraint`, `_` or `*`, an explicit `!` or none)
 * so that the printer reproduces the program exactly.
 */

export interface Name {
  readonly kind: 'Name';
  readonly value: string;
  readonly loc: Span;
}

export interface StringLiteral {
  readonly kind: 'StringLiteral';
  readonly value: string;
  readonly loc: Span;
}

/** A TypeScript type expression, kept as normalised text. */
export interface TypeExpression {
  readonly kind: 'TypeExpression';
  readonly text: string;
  readonly loc: Span;
}

export interface Parameter {
  readonly kind: 'Parameter';
  readonly name: Name;
  readonly type: TypeExpression;
  readonly loc: Span;
}

export interface ImportSpecifier {
  readonly kind: 'ImportSpecifier';
  readonly name: Name;
  /** `B` in `A as B`. */
  readonly alias: Name | null;
  readonly loc: Span;
}

/** `import type { A, B } from "./types.ts";` */
export interface ImportTypeDeclaration {
  readonly kind: 'ImportTypeDeclaration';
  readonly specifiers: readonly ImportSpecifier[];
  readonly from: StringLiteral;
  readonly loc: Span;
}

/** `ReadRequest (conn: Conn) => (conn: Conn, request: Request);` (concrete, or an abstract node's declared signature) */
export interface NodeDeclaration {
  readonly kind: 'NodeDeclaration';
  readonly name: Name;
  readonly inputs: readonly Parameter[];
  readonly outputs: readonly Parameter[];
  readonly loc: Span;
}

/** `source Listen {session: SessionId} => Page;` */
export interface SourceDeclaration {
  readonly kind: 'SourceDeclaration';
  readonly node: Name;
  readonly session: Name | null;
  readonly target: Name;
  readonly loc: Span;
}

/** `typedef hit TestInCache;` */
export interface TypedefDeclaration {
  readonly kind: 'TypedefDeclaration';
  readonly predicate: Name;
  readonly fn: Name;
  readonly loc: Span;
}

export interface WildcardPattern {
  readonly kind: 'WildcardPattern';
  readonly token: '_' | '*';
  readonly loc: Span;
}

export interface PredicatePattern {
  readonly kind: 'PredicatePattern';
  readonly predicate: Name;
  readonly negate: boolean;
  readonly loc: Span;
}

export type PatternElement = WildcardPattern | PredicatePattern;

/** `Page = ReadRequest -> Reply;` (pattern null) or `Handler:[_, hit] = ;` */
export interface FlowDeclaration {
  readonly kind: 'FlowDeclaration';
  readonly node: Name;
  readonly pattern: readonly PatternElement[] | null;
  readonly chain: readonly Name[];
  readonly loc: Span;
}

export interface LockSpec {
  readonly kind: 'LockSpec';
  readonly name: Name;
  /** '?' reader, '!' writer, null when not written (a writer). */
  readonly marker: '?' | '!' | null;
  /** The scope as written, null when not written (program). */
  readonly scope: 'program' | 'session' | null;
  readonly loc: Span;
}

/** `atomic CheckCache:{cache?, stats(session)};` (`constraint` is a synonym) */
export interface AtomicDeclaration {
  readonly kind: 'AtomicDeclaration';
  readonly keyword: 'atomic' | 'constraint';
  readonly node: Name;
  readonly locks: readonly LockSpec[];
  readonly loc: Span;
}

/** `handle error ReadWrite => FourOhFour;` */
export interface HandlerDeclaration {
  readonly kind: 'HandlerDeclaration';
  readonly node: Name;
  readonly handler: Name;
  readonly loc: Span;
}

export type Declaration =
  | ImportTypeDeclaration
  | NodeDeclaration
  | SourceDeclaration
  | TypedefDeclaration
  | FlowDeclaration
  | AtomicDeclaration
  | HandlerDeclaration;

export interface Document {
  readonly kind: 'Document';
  readonly declarations: readonly Declaration[];
  readonly loc: Span;
}

export type AstNode =
  | Document
  | Declaration
  | Name
  | StringLiteral
  | TypeExpression
  | Parameter
  | ImportSpecifier
  | PatternElement
  | LockSpec;

export type AstKind = AstNode['kind'];

export function lockMode(lock: LockSpec): 'read' | 'write' {
  return lock.marker === '?' ? 'read' : 'write';
}

export function lockScope(lock: LockSpec): 'program' | 'session' {
  return lock.scope ?? 'program';
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
