/**
 * Ball-Larus path numbering over one source's step DAG.
 *
 * Vertices are the CALL and ABSTRACT steps plus the END; LEAVE steps are transparent. Out-edges, in order:
 * - CALL:     ok (to the next vertex), error (to the exit).
 * - ABSTRACT: one edge per case (to the case's first vertex), then error (no case matched, a predicate or a
 *             lock acquisition failed) to the exit.
 * NP(v) = number of paths from v to the exit; the increment of v's i-th out-edge is the sum of NP over the
 * targets of its earlier edges (an error edge's target, the exit, has NP 1). A flow adds the increment of
 * every edge it takes; the sum at the exit is its path number, unique in 0..NP(entry)-1.
 */

import { OP_ABSTRACT, OP_CALL, OP_END, OP_LEAVE, type Plan, type PathDescription, type Step } from './plan.ts';

type EdgeIdFn = (from: string, to: string) => number;

/** Computes NP for every step reachable from `entry`, sets increments and edge ids, returns NP(entry). */
export function numberPaths(entry: Step, edgeId: EdgeIdFn): number {
  const visit = (step: Step): number => {
    if (step.paths > 0) return step.paths;
    let np: number;
    switch (step.op) {
      case OP_END:
        np = 1;
        break;
      case OP_LEAVE:
        np = visit(step.next!);
        break;
      case OP_CALL: {
        const onOk = visit(step.next!);
        step.errInc = onOk;
        step.okEdge = edgeId(step.node.name, labelAt(step.next!));
        step.errEdge = edgeId(step.node.name, '(error)');
        np = onOk + 1;
        break;
      }
      case OP_ABSTRACT: {
        let sum = 0;
        for (const c of step.cases) {
          c.inc = sum;
          c.edge = edgeId(step.node.name, labelAt(c.first));
          sum += visit(c.first);
        }
        step.errInc = sum;
        step.errEdge = edgeId(step.node.name, '(error)');
        np = sum + 1;
        break;
      }
    }
    step.paths = np;
    return np;
  };
  return visit(entry);
}

function labelAt(step: Step): string {
  let s = step;
  while (s.op === OP_LEAVE) s = s.next!;
  return s.op === OP_END ? '(end)' : s.node.name;
}

/** Decodes path `number` of source `sourceIndex` back into its vertices and ending. */
export function describePath(plan: Plan, sourceIndex: number, number: number): PathDescription {
  const source = plan.sources[sourceIndex];
  if (source === undefined) throw new RangeError(`no source ${sourceIndex}`);
  if (!Number.isInteger(number) || number < 0 || number >= source.numPaths) {
    throw new RangeError(`path ${number} is not in 0..${source.numPaths - 1} for source ${source.name}`);
  }
  const nodes: string[] = [];
  let rest = number;
  let step: Step = source.entry;
  for (;;) {
    switch (step.op) {
      case OP_END:
        return { source: source.name, number, nodes, ending: { status: 'ok' } };
      case OP_LEAVE:
        step = step.next!;
        break;
      case OP_CALL:
        nodes.push(step.node.name);
        if (rest >= step.errInc) return { source: source.name, number, nodes, ending: { status: 'error', node: step.node.name } };
        step = step.next!;
        break;
      case OP_ABSTRACT: {
        if (rest >= step.errInc) {
          nodes.push(step.node.name);
          return { source: source.name, number, nodes, ending: { status: 'error', node: step.node.name } };
        }
        let chosen = 0;
        for (let i = 1; i < step.cases.length; i++) if (step.cases[i]!.inc <= rest) chosen = i;
        const c = step.cases[chosen]!;
        nodes.push(c.label);
        rest -= c.inc;
        step = c.first;
        break;
      }
    }
  }
}

/** Every path of a source, in number order (beware: the count can be large for big dispatch trees). */
export function* enumeratePaths(plan: Plan, sourceIndex: number): Generator<PathDescription> {
  const source = plan.sources[sourceIndex];
  if (source === undefined) throw new RangeError(`no source ${sourceIndex}`);
  for (let n = 0; n < source.numPaths; n++) yield describePath(plan, sourceIndex, n);
}
