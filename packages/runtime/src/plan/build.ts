/**
 * buildPlan: IR + implementation module -> Plan. Resolves every function by name, expands each source's flow
 * graph inline, decides per occurrence which locks to take (reentrancy, elision), and numbers paths.
 * Collects every problem before failing, so one run shows everything that is missing.
 */

import type { AbstractNodeIR, ConcreteNodeIR, LockUseIR, NodeIR, ProgramIR } from '@flux/compiler/ir.ts';
import type { HandlerFn, Implementation, NodeFn, PredicateFn } from '../api.ts';
import { codes, FluxPlanError } from '../errors.ts';
import {
  OP_ABSTRACT,
  OP_CALL,
  OP_END,
  OP_LEAVE,
  Step,
  type Plan,
  type PlanCase,
  type PlanEdge,
  type PlanHandler,
  type PlanNode,
  type PlanOptions,
  type PlanSource,
  type PlanTest,
} from './plan.ts';
import { numberPaths } from './paths.ts';

const SUPPORTED_IR_VERSION = 1;

/** Lock mode strength: 0 = not held, 1 = read, 2 = write. */
const READ = 1;
const WRITE = 2;
const strength = (use: LockUseIR): number => (use.mode === 'write' ? WRITE : READ);

interface Problem {
  readonly code: string;
  readonly message: string;
}

/** What an occurrence inherits from the abstract occurrences around it. */
interface Context {
  /** Per lock index: strength held by enclosing abstract occurrences. */
  readonly held: Uint8Array;
  /** Highest lock index held, or -1. */
  readonly maxHeld: number;
  /** Everything the enclosing occurrences took, outermost first. Shared by the steps of one context. */
  readonly outer: readonly LockUseIR[];
  /** Innermost enclosing handler, or null. */
  readonly handler: PlanHandler | null;
  /** Abstract node ids being expanded (cycle guard). */
  readonly expanding: ReadonlySet<number>;
}

export function isAsyncFunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  const kind = (fn as { constructor?: { name?: string } }).constructor?.name;
  return kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction';
}

export function buildPlan(ir: ProgramIR, impl: Implementation, options: PlanOptions): Plan {
  const problems: Problem[] = [];
  const problem = (code: string, message: string): void => {
    if (!problems.some((p) => p.code === code && p.message === message)) problems.push({ code, message });
  };

  if ((ir as { irVersion: unknown }).irVersion !== SUPPORTED_IR_VERSION) {
    throw new FluxPlanError([
      { code: codes.IR_VERSION, message: `IR version ${String(ir.irVersion)} is not supported (expected ${SUPPORTED_IR_VERSION})` },
    ]);
  }
  if (impl === null || typeof impl !== 'object' || typeof impl.nodes !== 'object' || typeof impl.sources !== 'object') {
    throw new FluxPlanError([
      { code: codes.BAD_IMPLEMENTATION, message: 'the implementation must be an object with `nodes` and `sources`' },
    ]);
  }

  ir.nodes.forEach((n, i) => {
    if (n.id !== i) problem(codes.IR_INVALID, `node ${n.name} has id ${n.id} at index ${i}`);
  });
  const nodeAt = (id: number, where: string): NodeIR | undefined => {
    const n = ir.nodes[id];
    if (n === undefined) problem(codes.IR_INVALID, `${where} refers to node id ${id}, which does not exist`);
    return n;
  };
  const planNodes: PlanNode[] = ir.nodes.map((n) => ({ id: n.id, name: n.name, kind: n.kind }));
  const sourceNodeIds = new Set(ir.sources.map((s) => s.node));

  // Lock elision: every user of the lock is a concrete, non-async node (source nodes never run as flow steps).
  const elided: boolean[] = ir.locks.map((l) => options.elideSyncLocks === true || (options.elideSyncLocks === 'session' && l.scope === 'session'));
  for (const n of ir.nodes) {
    if (sourceNodeIds.has(n.id)) continue;
    for (const use of n.locks) {
      if (use.lock < 0 || use.lock >= ir.locks.length) {
        problem(codes.IR_INVALID, `node ${n.name} uses lock index ${use.lock}, which does not exist`);
        continue;
      }
      if (n.kind === 'abstract' || typeof impl.nodes[n.name] !== 'function' || isAsyncFunction(impl.nodes[n.name])) {
        elided[use.lock] = false;
      }
    }
  }
  const usesSessionLocks = ir.locks.some(
    (l, i) => l.scope === 'session' && !elided[i] && ir.nodes.some((n) => !sourceNodeIds.has(n.id) && n.locks.some((u) => u.lock === i)),
  );

  const handlerOf = (n: NodeIR, slot: number): PlanHandler | null => {
    if (n.handler === null) return null;
    const fn = impl.handlers?.[n.handler];
    if (typeof fn !== 'function') {
      problem(codes.MISSING_HANDLER, `handler ${n.handler} (for node ${n.name}) is not in implementation.handlers`);
      return { fn: missingHandler, thisArg: undefined, name: n.handler, node: n.name, slot };
    }
    return { fn, thisArg: impl.handlers, name: n.handler, node: n.name, slot };
  };

  /** Locks an occurrence still has to take, given what its context holds; checks reentrancy and order. */
  const locksToTake = (n: NodeIR, ctx: Context, usesSession: { value: boolean }): { take: LockUseIR[]; elidedAny: boolean } => {
    const take: LockUseIR[] = [];
    let elidedAny = false;
    for (const use of n.locks) {
      const lock = ir.locks[use.lock];
      if (lock === undefined) continue;
      if (lock.scope === 'session') usesSession.value = true;
      if (elided[use.lock]) {
        elidedAny = true;
        continue;
      }
      const held = ctx.held[use.lock] ?? 0;
      if (held >= strength(use)) continue; // reentrant: already held at least as strongly
      if (held === READ) {
        problem(codes.LOCK_UPGRADE, `node ${n.name} needs lock ${lock.name} for writing while an enclosing node holds it for reading`);
        continue;
      }
      if (ctx.maxHeld > use.lock) {
        const above = ir.locks[ctx.maxHeld]?.name ?? String(ctx.maxHeld);
        problem(codes.LOCK_ORDER, `node ${n.name} takes lock ${lock.name} while an enclosing node holds ${above}, which comes after it`);
      }
      take.push(use);
    }
    return { take, elidedAny };
  };

  let slots = 0;
  const usesSession = { value: false };

  const expand = (id: number, cont: Step, ctx: Context): Step => {
    const n = nodeAt(id, 'a flow');
    if (n === undefined) return cont;
    const node = planNodes[id]!;
    if (n.kind === 'concrete') return expandConcrete(n, node, cont, ctx);
    return expandAbstract(n, node, cont, ctx);
  };

  const expandConcrete = (n: ConcreteNodeIR, node: PlanNode, cont: Step, ctx: Context): Step => {
    const step = new Step(OP_CALL, node);
    const fn = impl.nodes[n.name];
    if (typeof fn !== 'function') problem(codes.MISSING_NODE, `node ${n.name} is not in implementation.nodes`);
    step.fn = typeof fn === 'function' ? fn : missingNode;
    step.thisArg = impl.nodes;
    step.arity = n.outputs.length;
    const { take, elidedAny } = locksToTake(n, ctx, usesSession);
    step.acquire = take.length > 0 ? take : null;
    step.elided = elidedAny;
    step.outer = ctx.outer.length > 0 ? ctx.outer : null;
    step.handler = handlerOf(n, -1) ?? ctx.handler;
    step.next = cont;
    return step;
  };

  const expandAbstract = (n: AbstractNodeIR, node: PlanNode, cont: Step, ctx: Context): Step => {
    if (ctx.expanding.has(n.id)) {
      problem(codes.IR_INVALID, `abstract node ${n.name} contains itself (the flow graph must be acyclic)`);
      return cont;
    }
    const step = new Step(OP_ABSTRACT, node);
    const { take } = locksToTake(n, ctx, usesSession);
    step.acquire = take.length > 0 ? take : null;
    step.outer = ctx.outer.length > 0 ? ctx.outer : null;
    step.handler = handlerOf(n, -1) ?? ctx.handler;

    let innerHandler = ctx.handler;
    if (n.handler !== null) {
      step.slot = slots++;
      innerHandler = handlerOf(n, step.slot);
    }
    let inner: Context = { ...ctx, handler: innerHandler, expanding: new Set([...ctx.expanding, n.id]) };
    let after = cont;
    if (take.length > 0) {
      const held = Uint8Array.from(ctx.held);
      let maxHeld = ctx.maxHeld;
      for (const use of take) {
        held[use.lock] = strength(use);
        if (use.lock > maxHeld) maxHeld = use.lock;
      }
      inner = { ...inner, held, maxHeld, outer: [...ctx.outer, ...take] };
      after = new Step(OP_LEAVE, node);
      after.release = take;
      after.outer = step.outer;
      after.next = cont;
    }

    const multi = n.cases.length > 1;
    step.cases = n.cases.map((c): PlanCase => {
      const tests: PlanTest[] = [];
      if (c.pattern !== null) {
        if (c.pattern.length !== n.inputs.length) {
          problem(codes.IR_INVALID, `a case of ${n.name} has ${c.pattern.length} patterns for ${n.inputs.length} inputs`);
        }
        c.pattern.forEach((p, pos) => {
          if (p.kind !== 'predicate') return;
          const pred = ir.predicates[p.predicate];
          if (pred === undefined) {
            problem(codes.IR_INVALID, `a case of ${n.name} refers to predicate index ${p.predicate}, which does not exist`);
            return;
          }
          const fn = impl.predicates?.[pred.fn];
          if (typeof fn !== 'function') {
            problem(codes.MISSING_PREDICATE, `predicate function ${pred.fn} (for ${pred.name}) is not in implementation.predicates`);
          }
          tests.push({
            pos,
            fn: typeof fn === 'function' ? fn : missingPredicate,
            thisArg: impl.predicates,
            negate: p.negate,
            predicate: pred.name,
          });
        });
      }
      let first = after;
      for (let i = c.chain.length - 1; i >= 0; i--) first = expand(c.chain[i]!, first, inner);
      return { tests, first, inc: 0, edge: -1, label: multi ? caseLabel(n.name, c.pattern, ir) : n.name };
    });
    return step;
  };

  const end = new Step(OP_END, { id: -1, name: '(end)', kind: 'concrete' });
  const sources: PlanSource[] = [];
  const edgeIds = new Map<string, number>();
  const edges: PlanEdge[] = [];
  const edgeId = (from: string, to: string): number => {
    const key = `${from}\u0000${to}`;
    let id = edgeIds.get(key);
    if (id === undefined) {
      id = edges.length;
      edges.push({ from, to });
      edgeIds.set(key, id);
    }
    return id;
  };

  let pathBase = 0;
  ir.sources.forEach((s, index) => {
    const srcNode = nodeAt(s.node, `source ${index}`);
    const target = nodeAt(s.target, `source ${index}`);
    if (srcNode === undefined || target === undefined) return;
    const fn = impl.sources[srcNode.name];
    if (typeof fn !== 'function') problem(codes.MISSING_SOURCE, `source ${srcNode.name} is not in implementation.sources`);
    let sessionFn = null;
    if (s.session !== null) {
      sessionFn = impl.sessions?.[s.session] ?? null;
      if (typeof sessionFn !== 'function') {
        problem(codes.MISSING_SESSION, `session function ${s.session} (for source ${srcNode.name}) is not in implementation.sessions`);
        sessionFn = null;
      }
    }
    slots = 0;
    usesSession.value = false;
    const root: Context = {
      held: new Uint8Array(ir.locks.length),
      maxHeld: -1,
      outer: [],
      handler: null,
      expanding: new Set(),
    };
    const entry = expand(s.target, end, root);
    if (usesSession.value && s.session === null) {
      problem(codes.NO_SESSION, `flows of source ${srcNode.name} use session-scoped locks, but the source has no session function`);
    }
    const numPaths = numberPaths(entry, edgeId);
    sources.push({
      index,
      name: srcNode.name,
      fn: typeof fn === 'function' ? fn : missingSource,
      target: planNodes[s.target]!,
      sessionFn,
      entry,
      entryEdge: edgeId(srcNode.name, vertexLabel(entry)),
      numPaths,
      pathBase,
      frameSlots: slots,
      overloadHandler: handlerOf(target, -1),
    });
    pathBase += numPaths;
  });

  if (!Number.isSafeInteger(pathBase)) {
    problem(codes.IR_INVALID, 'the program has too many distinct paths to number');
  }
  if (problems.length > 0) throw new FluxPlanError(problems);

  return {
    ir,
    impl,
    options,
    nodes: planNodes,
    locks: ir.locks,
    elided,
    usesSessionLocks,
    sources,
    edges,
    numPaths: pathBase,
  };
}

/** The label of the first vertex (CALL, ABSTRACT or END) at or after `step`. */
export function vertexLabel(step: Step): string {
  let s: Step = step;
  while (s.op === OP_LEAVE) s = s.next!;
  return s.op === OP_END ? '(end)' : s.node.name;
}

function caseLabel(name: string, pattern: AbstractNodeIR['cases'][number]['pattern'], ir: ProgramIR): string {
  if (pattern === null) return `${name}:default`;
  const parts = pattern.map((p) => {
    if (p.kind === 'any') return '_';
    const pred = ir.predicates[p.predicate]?.name ?? `#${p.predicate}`;
    return p.negate ? `!${pred}` : pred;
  });
  return `${name}:[${parts.join(', ')}]`;
}

// Stand-ins so that a plan under construction always has callable functions; a plan with any of them fails.
const missingNode: NodeFn = () => {
  throw new Error('missing node function');
};
const missingPredicate: PredicateFn = () => {
  throw new Error('missing predicate function');
};
const missingHandler: HandlerFn = () => {
  throw new Error('missing handler function');
};
const missingSource = (): void => {
  throw new Error('missing source function');
};

export { OP_ABSTRACT, OP_CALL, OP_END, OP_LEAVE };
