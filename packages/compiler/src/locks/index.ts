import { Diagnostics } from '../diagnostics/messages.ts';
import { lockMode, lockScope, type LockSpec } from '../language/ast.ts';
import type { Span } from '../language/location.ts';
import { isAbstract, lockSpecsOf, type CheckContext, type NodeInfo, type ProgramModel } from '../check/model.ts';
import { elevateLocks, type Elevation, type FinalLock, type LockGraph, type LockGraphNode, type LockNeed } from './elevation.ts';
import { canonicalOrder, lockKey, type LockId } from './order.ts';

export interface LockAnalysis {
  /** Every lock the program names, in canonical order (index = rank). */
  readonly locks: readonly LockId[];
  /** Each node's final lock set after elevation, sorted by rank. */
  readonly nodeLocks: ReadonlyMap<string, readonly FinalLock[]>;
  readonly elevations: readonly Elevation[];
}

/**
 * Puts the program's locks in canonical order, checks the constraints, elevates locks until every path
 * takes its locks in that order (one note per elevation) and checks that session locks have sessions.
 */
export function analyzeLocks(context: CheckContext, onCycle: ReadonlySet<string>): LockAnalysis {
  const { model, bag } = context;
  const scopesByName = new Map<string, { scope: 'program' | 'session'; spec: LockSpec }>();
  const ids: LockId[] = [];
  for (const node of model.nodes.values()) {
    for (const spec of lockSpecsOf(node)) {
      const scope = lockScope(spec);
      ids.push({ name: spec.name.value, scope });
      const first = scopesByName.get(spec.name.value);
      if (first === undefined) scopesByName.set(spec.name.value, { scope, spec });
      else if (first.scope !== scope) {
        bag.report(Diagnostics.LockScopeConflict, spec.loc, [spec.name.value], [
          bag.related(first.spec.loc, `'${spec.name.value}' is used with ${first.scope} scope here`),
        ]);
        first.scope = scope; // report each further switch of scope once, not every use
      }
    }
  }
  const locks = canonicalOrder(ids);
  const rank = new Map(locks.map((lock, index) => [lockKey(lock), index]));

  const graphNodes = new Map<string, LockGraphNode>();
  for (const node of model.nodes.values()) {
    const needs = new Map<number, LockNeed>();
    for (const spec of lockSpecsOf(node)) {
      const lock = rank.get(lockKey({ name: spec.name.value, scope: lockScope(spec) })) ?? 0;
      const earlier = needs.get(lock);
      if (earlier !== undefined) {
        bag.report(Diagnostics.DuplicateLock, spec.loc, [spec.name.value, node.name]);
        if (lockMode(spec) === 'write') needs.set(lock, { lock, mode: 'write' });
        continue;
      }
      needs.set(lock, { lock, mode: lockMode(spec) });
    }
    graphNodes.set(node.name, {
      name: node.name,
      kind: isAbstract(node) ? 'abstract' : 'concrete',
      locks: [...needs.values()].sort((a, b) => a.lock - b.lock),
      cases: onCycle.has(node.name) ? [] : node.flows.map((flow) => flow.chain.map((n) => n.value).filter((n) => model.nodes.has(n))),
    });
  }
  const graph: LockGraph = { nodes: graphNodes, roots: lockRoots(model) };
  const result = elevateLocks(graph);

  for (const elevation of result.elevations) {
    const lock = locks[elevation.lock];
    const needer = model.nodes.get(elevation.neededBy);
    const span = needer === undefined ? { start: 0, end: 0 } : lockSpan(needer, lock);
    if (elevation.kind === 'writer') {
      bag.report(Diagnostics.ElevateToWriter, span, [lock.name, elevation.target, elevation.neededBy]);
    } else if (elevation.enclosing) {
      bag.report(Diagnostics.ElevateInto, span, [lock.name, elevation.target, elevation.neededBy]);
    } else {
      bag.report(Diagnostics.ElevateBefore, span, [lock.name, elevation.target, elevation.neededBy, elevation.region]);
    }
  }

  checkSessionLocks(context, locks, result.locks);
  return { locks, nodeLocks: result.locks, elevations: result.elevations };
}

/** Where flows start: source targets, source nodes, then every node that no flow refers to. */
function lockRoots(model: ProgramModel): string[] {
  const roots: string[] = [];
  const add = (name: string): void => {
    if (model.nodes.has(name) && !roots.includes(name)) roots.push(name);
  };
  for (const source of model.sources) add(source.target.value);
  for (const source of model.sources) add(source.node.value);
  const referenced = new Set<string>();
  for (const node of model.nodes.values()) for (const flow of node.flows) for (const n of flow.chain) referenced.add(n.value);
  for (const name of model.nodes.keys()) if (!referenced.has(name)) add(name);
  return roots;
}

/** The lock's spec in the node's constraint, or the constraint (or node) itself for an elevated lock. */
function lockSpan(node: NodeInfo, lock: LockId): Span {
  const spec = lockSpecsOf(node).find((s) => s.name.value === lock.name && lockScope(s) === lock.scope);
  if (spec !== undefined) return spec.loc;
  return node.atomics[0]?.node.loc ?? node.loc;
}

/** Session-scoped locks need a session: every source reaching a node with one must name a session function. */
function checkSessionLocks({ model, bag }: CheckContext, locks: readonly LockId[], nodeLocks: ReadonlyMap<string, readonly FinalLock[]>): void {
  for (const source of model.sources) {
    if (source.session !== null) continue;
    const reached = new Set<string>();
    const visit = (name: string): void => {
      if (reached.has(name)) return;
      reached.add(name);
      for (const flow of model.nodes.get(name)?.flows ?? []) flow.chain.forEach((n) => visit(n.value));
    };
    visit(source.node.value);
    visit(source.target.value);
    for (const name of reached) {
      const node = model.nodes.get(name);
      if (node === undefined) continue;
      for (const use of nodeLocks.get(name) ?? []) {
        const lock = locks[use.lock];
        if (lock.scope !== 'session' || use.elevated) continue;
        bag.report(Diagnostics.SessionLockWithoutSession, lockSpan(node, lock), [name, lock.name, source.node.value]);
      }
    }
  }
}
