import type { DiagnosticBag } from '../diagnostics/diagnostic.ts';
import type {
  AtomicDeclaration,
  Document,
  FlowDeclaration,
  HandlerDeclaration,
  ImportSpecifier,
  ImportTypeDeclaration,
  LockSpec,
  NodeDeclaration,
  SourceDeclaration,
  TypedefDeclaration,
} from '../language/ast.ts';
import type { Span } from '../language/location.ts';
import type { Source } from '../language/source.ts';

/** A parameter with its type text normalised: the unit of positional type comparison. */
export interface Param {
  readonly name: string;
  readonly type: string;
  readonly loc: Span;
}

export interface Signature {
  readonly inputs: readonly Param[];
  readonly outputs: readonly Param[];
}

/** Everything the program says about one node name, gathered from every declaration that mentions it. */
export interface NodeInfo {
  readonly name: string;
  /** The first signature declaration, if any. */
  declaration: NodeDeclaration | null;
  /** Flow and dispatch declarations in source order; non-empty means the node is abstract. */
  readonly flows: FlowDeclaration[];
  readonly atomics: AtomicDeclaration[];
  handler: HandlerDeclaration | null;
  /** Declared, or inferred from the flows; null until known (or when it cannot be known). */
  signature: Signature | null;
  signatureInferred: boolean;
  /** Where the node is declared, or first defined for a node without a declaration. */
  loc: Span;
}

export interface PredicateInfo {
  readonly name: string;
  readonly fn: string;
  readonly declaration: TypedefDeclaration;
  /** The type of the value the predicate tests, from the first position it is used at. */
  type: string | null;
  used: boolean;
}

export interface ImportedType {
  /** The name the program uses (the alias, if any). */
  readonly localName: string;
  readonly specifier: ImportSpecifier;
  readonly declaration: ImportTypeDeclaration;
}

/**
 * The program as the checker sees it: declarations grouped by name. Passes read it and fill in what they
 * learn (signatures, predicate types); lowering and code generation read the result.
 */
export interface ProgramModel {
  readonly source: Source;
  readonly document: Document;
  readonly nodes: Map<string, NodeInfo>;
  readonly predicates: Map<string, PredicateInfo>;
  readonly sources: SourceDeclaration[];
  readonly imports: ImportedType[];
  readonly importDeclarations: ImportTypeDeclaration[];
}

export function isAbstract(node: NodeInfo): boolean {
  return node.flows.length > 0;
}

export interface CheckContext {
  readonly model: ProgramModel;
  readonly bag: DiagnosticBag;
}

export function paramsFromDeclaration(parameters: NodeDeclaration['inputs']): Param[] {
  return parameters.map((p) => ({ name: p.name.value, type: p.type.text, loc: p.loc }));
}

/** `conn: Conn, keepAlive: boolean` as shown in messages. */
export function describeParams(params: readonly Param[]): string {
  return params.map((p) => `${p.name}: ${p.type}`).join(', ');
}

/** Positional comparison by normalised type text; names are ignored, as in 2006. */
export function sameTypes(a: readonly Param[], b: readonly Param[]): boolean {
  return a.length === b.length && a.every((param, index) => param.type === b[index].type);
}

export function lockSpecsOf(node: NodeInfo): LockSpec[] {
  return node.atomics.flatMap((a) => a.locks);
}
