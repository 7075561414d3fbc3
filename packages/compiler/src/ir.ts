/**
 * The Flux intermediate representation: what `flux build` writes (`<program>.ir.json`) and what every
 * runtime loads. It is the checked program with names resolved to indices, lock sets final (after
 * elevation), and nothing runtime-specific. Deterministic: the same `.flux` text gives the same JSON.
 *
 * Conventions
 * - `locks` is in canonical order: a lock's index is its rank; every lock list below is sorted by rank.
 * - `nodes` holds every node (concrete and abstract) once; a node's index is its `id`.
 * - Implementation functions are looked up by name in the implementation module:
 *   concrete node `n`   -> `impl.nodes[n.name]`
 *   predicate `p`       -> `impl.predicates[p.fn]`
 *   handler of node `n` -> `impl.handlers[n.handler]`
 *   source `s`          -> `impl.sources[nodes[s.node].name]`
 *   session function    -> `impl.sessions[s.session]`
 */

export const IR_VERSION = 1;

export interface ProgramIR {
  readonly irVersion: typeof IR_VERSION;
  /** Program name: the `.flux` file's base name without extension, e.g. "web". */
  readonly program: string;
  /** Locks in canonical order (sorted by name, then program scope before session scope). */
  readonly locks: readonly LockIR[];
  readonly nodes: readonly NodeIR[];
  readonly predicates: readonly PredicateIR[];
  readonly sources: readonly SourceIR[];
}

export interface LockIR {
  readonly name: string;
  readonly scope: 'program' | 'session';
}

export interface LockUseIR {
  /** Index into `ProgramIR.locks`. */
  readonly lock: number;
  readonly mode: 'read' | 'write';
  /** True when the deadlock analysis added this lock (or raised it from read to write). */
  readonly elevated: boolean;
}

export interface ParamIR {
  readonly name: string;
  /** The TypeScript type expression as written in the program. */
  readonly type: string;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

interface NodeBaseIR {
  readonly id: number;
  readonly name: string;
  readonly inputs: readonly ParamIR[];
  readonly outputs: readonly ParamIR[];
  /**
   * Locks this node takes, after elevation. A concrete node takes them all at once just before it runs and
   * drops them right after; an abstract node takes them before its first child and holds them until its
   * flow ends. A lock already held by the flow in the same or a stronger mode is not taken again.
   */
  readonly locks: readonly LockUseIR[];
  /** Name of the error handler function for this node, or null. */
  readonly handler: string | null;
  /** Where the node is declared (or first defined, for an inferred abstract node). */
  readonly loc: Position;
}

export interface ConcreteNodeIR extends NodeBaseIR {
  readonly kind: 'concrete';
}

/**
 * An abstract node: one or more cases tried in source order, first match wins. A plain flow
 * `A = B -> C;` is a single case with `pattern: null`.
 */
export interface AbstractNodeIR extends NodeBaseIR {
  readonly kind: 'abstract';
  readonly cases: readonly CaseIR[];
}

export type NodeIR = ConcreteNodeIR | AbstractNodeIR;

export interface CaseIR {
  /** One entry per input of the abstract node, or null for a default (all-wildcard) case. */
  readonly pattern: readonly PatternIR[] | null;
  /** Node ids run in order; empty means the inputs pass through unchanged (inputs must equal outputs). */
  readonly chain: readonly number[];
  readonly loc: Position;
}

export type PatternIR =
  | { readonly kind: 'any' }
  | { readonly kind: 'predicate'; readonly predicate: number; readonly negate: boolean };

export interface PredicateIR {
  /** The predicate type name used in patterns, e.g. "hit". */
  readonly name: string;
  /** The implementation function, e.g. "TestInCache". */
  readonly fn: string;
}

export interface SourceIR {
  /** Id of the concrete source node (no inputs). */
  readonly node: number;
  /** Id of the node each emitted output tuple starts a flow in. */
  readonly target: number;
  /** Session function name, or null when flows of this source have no session. */
  readonly session: string | null;
}
