/**
 * The executable plan: the IR with implementation functions resolved and every source's flow graph expanded
 * into a DAG of steps (abstract nodes inlined, one step per node occurrence), numbered Ball-Larus style.
 *
 * The interpreter walks steps through `next` / `cases[i].first` pointers; everything it needs (locks to take,
 * handler to call, path increments, edge ids) is precomputed here so a walk allocates nothing but the tuples
 * node functions return. Steps are shared by every flow and every interpreter built on this plan: treat as
 * read-only once `buildPlan` returns.
 */

import type { LockIR, LockUseIR, ProgramIR } from '@flux/compiler/ir.ts';
import type { HandlerFn, Implementation, NodeFn, PredicateFn, SessionFn, SourceFn } from '../api.ts';

/** Step kinds. Plain numbers: the interpreter switches on them in its hot loop. */
export const OP_CALL = 0;
export const OP_ABSTRACT = 1;
export const OP_LEAVE = 2;
export const OP_END = 3;
export type StepOp = typeof OP_CALL | typeof OP_ABSTRACT | typeof OP_LEAVE | typeof OP_END;

export interface PlanOptions {
  /**
   * Drop locks that no asynchronous code can be interleaved with (see README, "Lock elision"). Only sound
   * when one thread runs all flows of a lock's users: true for `event`, false for `threadpool` and `thread`,
   * 'session' (session-scope locks only: a session's flows share one thread) for `workers`.
   */
  readonly elideSyncLocks: boolean | 'session';
}

export interface PlanNode {
  readonly id: number;
  readonly name: string;
  readonly kind: 'concrete' | 'abstract';
}

/** One predicate test of a case: `fn(values[pos])`, truthiness compared with `!negate`. */
export interface PlanTest {
  readonly pos: number;
  readonly fn: PredicateFn;
  readonly thisArg: unknown;
  readonly negate: boolean;
  /** Predicate type name, for messages. */
  readonly predicate: string;
}

export interface PlanCase {
  /** AND-ed tests; empty = always matches (wildcards only, or a default case). */
  readonly tests: readonly PlanTest[];
  /** First step of the case's chain (for an empty chain: the step after the abstract node). */
  readonly first: Step;
  /** Ball-Larus increment of the edge into this case (set by numberPaths). */
  inc: number;
  /** Stats edge id of that edge (set by numberPaths). */
  edge: number;
  /** e.g. `Handler:[_, _, hit]`, `Handler:default`, or just `Handler` for a single plain case. */
  readonly label: string;
}

/** The handler that runs when the step it belongs to fails. */
export interface PlanHandler {
  readonly fn: HandlerFn;
  readonly thisArg: unknown;
  /** Handler function name. */
  readonly name: string;
  /** The node the handler is declared on. */
  readonly node: string;
  /**
   * Where that node's inputs are: -1 = the failing step's own inputs (the flow's current values), else the
   * frame slot in which the enclosing abstract node stored its inputs on entry.
   */
  readonly slot: number;
}

/**
 * One node occurrence (CALL / ABSTRACT), the lock release at the end of an abstract node's sub-flow (LEAVE),
 * or the end of the flow (END). A single class so that every step has the same shape (monomorphic access).
 */
export class Step {
  op: StepOp;
  node: PlanNode;
  /** CALL: step after success. LEAVE: step after release. */
  next: Step | null = null;
  /** CALL: the function. */
  fn: NodeFn | null = null;
  thisArg: unknown = undefined;
  /** CALL: number of outputs the function must return. */
  arity = 0;
  /** CALL / ABSTRACT: locks this step takes (sorted by rank; held or elided ones left out), or null. */
  acquire: readonly LockUseIR[] | null = null;
  /** LEAVE: the locks its ABSTRACT step took. */
  release: readonly LockUseIR[] | null = null;
  /** Locks held by the enclosing abstract occurrences when this step runs (released if it fails). */
  outer: readonly LockUseIR[] | null = null;
  /** CALL: some of the node's locks were elided, so a thenable result is an error. */
  elided = false;
  /** ABSTRACT: frame slot to store inputs in (when a handler may need them), or -1. */
  slot = -1;
  cases: readonly PlanCase[] = [];
  /** Handler to run when this step fails, or null (the flow then ends unhandled). */
  handler: PlanHandler | null = null;
  /** Ball-Larus increment on the error edge (the ok edge of a CALL has increment 0). */
  errInc = 0;
  /** Stats edge ids: CALL success edge, and the error edge of CALL / ABSTRACT. */
  okEdge = -1;
  errEdge = -1;
  /** Number of paths from this step to the flow's end (Ball-Larus NP). */
  paths = 0;

  constructor(op: StepOp, node: PlanNode) {
    this.op = op;
    this.node = node;
  }
}

export interface PlanSource {
  readonly index: number;
  /** Source node name (also the key in `impl.sources`). */
  readonly name: string;
  readonly fn: SourceFn;
  readonly target: PlanNode;
  readonly sessionFn: SessionFn | null;
  readonly entry: Step;
  /** Stats edge id of `source -> first node`. */
  readonly entryEdge: number;
  /** Paths of this source are numbered 0..numPaths-1; globally they are `pathBase + number`. */
  readonly numPaths: number;
  readonly pathBase: number;
  /** Frame slots a flow of this source needs (abstract occurrences whose inputs a handler may need). */
  readonly frameSlots: number;
  /** Handler used when admission control refuses a flow: the target node's own handler, or null. */
  readonly overloadHandler: PlanHandler | null;
}

export interface PlanEdge {
  readonly from: string;
  /** A node name, `(end)` or `(error)`. */
  readonly to: string;
}

export interface PathDescription {
  readonly source: string;
  readonly number: number;
  /** Vertex labels in order: concrete node names and abstract node labels (see PlanCase.label). */
  readonly nodes: readonly string[];
  readonly ending: { readonly status: 'ok' } | { readonly status: 'error'; readonly node: string };
}

export interface Plan {
  readonly ir: ProgramIR;
  readonly impl: Implementation;
  readonly options: PlanOptions;
  readonly nodes: readonly PlanNode[];
  readonly locks: readonly LockIR[];
  /** Per lock index: true when the lock is never taken under this plan. */
  readonly elided: readonly boolean[];
  /** True when some non-elided lock is session-scoped (the runtime must track session lock state). */
  readonly usesSessionLocks: boolean;
  readonly sources: readonly PlanSource[];
  readonly edges: readonly PlanEdge[];
  /** Sum of every source's numPaths. */
  readonly numPaths: number;
}
