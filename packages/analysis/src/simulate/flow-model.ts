/**
 * The program's flows as the simulator walks them: every path of every source, expanded from the IR into the
 * operations a flow performs (take locks, run a node, drop locks), each path with its probability.
 *
 * Probabilities come from the profile's Ball-Larus path counts when it has them (exact, and they keep the
 * correlation between branches), else from its edge counts (each abstract node's cases weighted by the edges
 * from it to each case's first vertex, independent per abstract node), else uniform over a node's cases.
 * Locks follow the runtime's plan rules: an occurrence does not take a lock an enclosing atomic abstract node
 * already holds in the same or a stronger mode; an abstract node holds its locks until its chain ends.
 */
import type { ProgramIR } from '@flux/compiler';
import type { AbstractNodeIR, NodeIR } from '@flux/compiler/ir.ts';

export type LockMode = 'read' | 'write';

export interface LockNeed {
  /** Index into `ProgramIR.locks`. */
  readonly lock: number;
  readonly mode: LockMode;
}

export type FlowOp =
  | { readonly kind: 'acquire'; readonly locks: readonly LockNeed[]; readonly by: string }
  | { readonly kind: 'release'; readonly locks: readonly LockNeed[]; readonly by: string }
  | { readonly kind: 'node'; readonly node: string };

export interface FlowPath {
  readonly source: string;
  /** Vertex labels as `describePath` prints them (`Name` or `Name:[_, hit]`). */
  readonly labels: readonly string[];
  readonly ending: { readonly status: 'ok' } | { readonly status: 'error'; readonly node: string };
  readonly ops: readonly FlowOp[];
  probability: number;
}

export interface PathCount {
  readonly source: string;
  readonly nodes: readonly string[];
  readonly ending: { readonly status: 'ok' } | { readonly status: 'error'; readonly node: string };
  readonly count: number;
}

export interface EdgeCount {
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

export interface FlowModel {
  readonly ir: ProgramIR;
  /** Per source name, its paths with probabilities summing to 1 (paths of probability 0 dropped). */
  readonly paths: ReadonlyMap<string, readonly FlowPath[]>;
  /** How the probabilities were obtained. */
  readonly basis: 'paths' | 'edges' | 'uniform';
  /** Profile paths that did not match the program (a profile of another version of it). */
  readonly unmatched: number;
}

const MAX_PATHS = 20000;

interface Partial {
  ops: FlowOp[];
  labels: string[];
  /** (abstract name, index into labels of the vertex the case continues at, case index, cases) */
  choices: { from: string; at: number; caseIndex: number; node: AbstractNodeIR }[];
  error: string | null;
}

/** Every path of the source's target: ok paths, plus one error path per concrete node (failing at it). */
function expandSource(ir: ProgramIR, target: number): Partial[] {
  const strength = (m: LockMode): number => (m === 'write' ? 2 : 1);
  const expand = (id: number, held: ReadonlyMap<number, number>, depth: number): Partial[] => {
    if (depth > 64) throw new Error('the flow graph nests too deep (is it cyclic?)');
    const node: NodeIR | undefined = ir.nodes[id];
    if (node === undefined) throw new Error(`the IR names node ${id}, which does not exist`);
    const take = node.locks
      .filter((use) => (held.get(use.lock) ?? 0) < strength(use.mode))
      .map((use): LockNeed => ({ lock: use.lock, mode: use.mode }));
    if (node.kind === 'concrete') {
      const core: FlowOp[] = [];
      if (take.length > 0) core.push({ kind: 'acquire', locks: take, by: node.name });
      core.push({ kind: 'node', node: node.name });
      if (take.length > 0) core.push({ kind: 'release', locks: take, by: node.name });
      return [
        { ops: core, labels: [node.name], choices: [], error: null },
        { ops: core.slice(0, take.length > 0 ? 2 : 1), labels: [node.name], choices: [], error: node.name },
      ];
    }
    const inner = new Map(held);
    for (const t of take) inner.set(t.lock, Math.max(inner.get(t.lock) ?? 0, strength(t.mode)));
    const out: Partial[] = [];
    node.cases.forEach((c, caseIndex) => {
      const label = node.cases.length > 1 ? caseLabel(ir, node, c.pattern) : node.name;
      let alts: Partial[] = [{ ops: [], labels: [label], choices: [{ from: node.name, at: 1, caseIndex, node }], error: null }];
      for (const child of c.chain) {
        const next: Partial[] = [];
        const childAlts = expand(child, inner, depth + 1);
        for (const a of alts) {
          if (a.error !== null) {
            next.push(a);
            continue;
          }
          for (const b of childAlts) {
            const shift = a.labels.length;
            next.push({
              ops: [...a.ops, ...b.ops],
              labels: [...a.labels, ...b.labels],
              choices: [...a.choices, ...b.choices.map((ch) => ({ ...ch, at: ch.at + shift }))],
              error: b.error,
            });
            if (next.length > MAX_PATHS) throw new Error(`the program has more than ${MAX_PATHS} paths; the simulator enumerates them all`);
          }
        }
        alts = next;
      }
      for (const a of alts) {
        const ops: FlowOp[] = [];
        if (take.length > 0) ops.push({ kind: 'acquire', locks: take, by: node.name });
        ops.push(...a.ops);
        if (take.length > 0) ops.push({ kind: 'release', locks: take, by: node.name });
        out.push({ ...a, ops });
      }
    });
    // No case matched (or a predicate failed): an error at the abstract node itself.
    out.push({ ops: [], labels: [node.name], choices: [], error: node.name });
    return out;
  };
  return expand(target, new Map(), 0);
}

function caseLabel(ir: ProgramIR, node: AbstractNodeIR, pattern: AbstractNodeIR['cases'][number]['pattern']): string {
  if (pattern === null) return `${node.name}:default`;
  const parts = pattern.map((p) => {
    if (p.kind === 'any') return '_';
    const name = ir.predicates[p.predicate]?.name ?? `#${p.predicate}`;
    return p.negate ? `!${name}` : name;
  });
  return `${node.name}:[${parts.join(', ')}]`;
}

const key = (labels: readonly string[], error: string | null): string => `${labels.join('\u0001')}\u0002${error ?? ''}`;

/**
 * `minPathShare`: paths taken by fewer than this share of a source's flows are dropped (0: none). A profile run
 * from a cold start counts the first misses of every cache (a few flows costing milliseconds each) that a warm
 * server never takes again; with the share at 0.001 they do not weigh on a steady-state prediction.
 */
export function buildFlowModel(ir: ProgramIR, profile: { paths?: readonly PathCount[]; edges?: readonly EdgeCount[] }, minPathShare = 0): FlowModel {
  const paths = new Map<string, FlowPath[]>();
  const profilePaths = profile.paths ?? [];
  const edges = profile.edges ?? [];
  const basis: FlowModel['basis'] = profilePaths.some((p) => p.count > 0) ? 'paths' : edges.some((e) => e.count > 0) ? 'edges' : 'uniform';
  let unmatched = 0;
  const edgeCount = new Map<string, number>();
  for (const e of edges) edgeCount.set(`${e.from}\u0000${e.to}`, (edgeCount.get(`${e.from}\u0000${e.to}`) ?? 0) + e.count);

  for (const s of ir.sources) {
    const sourceName = ir.nodes[s.node]!.name;
    const partials = expandSource(ir, s.target);
    const list: FlowPath[] = partials.map((p) => ({
      source: sourceName,
      labels: p.labels,
      ending: p.error === null ? { status: 'ok' } : { status: 'error', node: p.error },
      ops: p.ops,
      probability: 0,
    }));
    if (basis === 'paths') {
      const index = new Map<string, FlowPath>();
      for (const fp of list) index.set(key(fp.labels, fp.ending.status === 'error' ? fp.ending.node : null), fp);
      let total = 0;
      for (const pc of profilePaths) {
        if (pc.source !== sourceName) continue;
        const fp = index.get(key(pc.nodes, pc.ending.status === 'error' ? pc.ending.node : null));
        if (fp === undefined) {
          unmatched += pc.count;
          continue;
        }
        fp.probability += pc.count;
        total += pc.count;
      }
      for (const fp of list) fp.probability = total > 0 ? fp.probability / total : 0;
    } else {
      // Independent branch choices; error paths left out (edges do not say where errors come from).
      partials.forEach((p, i) => {
        if (p.error !== null) return;
        let prob = 1;
        for (const ch of p.choices) prob *= caseProbability(ir, ch, p.labels, edgeCount, basis);
        list[i]!.probability = prob;
      });
      const total = list.reduce((sum, fp) => sum + fp.probability, 0);
      for (const fp of list) fp.probability = total > 0 ? fp.probability / total : 0;
    }
    let kept = list.filter((fp) => fp.probability > 0 && fp.probability >= minPathShare);
    if (kept.length === 0) kept = list.filter((fp) => fp.probability > 0);
    const keptTotal = kept.reduce((sum, fp) => sum + fp.probability, 0);
    for (const fp of kept) fp.probability /= keptTotal;
    paths.set(sourceName, kept);
  }
  return { ir, paths, basis, unmatched };
}

function caseProbability(
  ir: ProgramIR,
  ch: Partial['choices'][number],
  labels: readonly string[],
  edgeCount: ReadonlyMap<string, number>,
  basis: FlowModel['basis'],
): number {
  const cases = ch.node.cases;
  if (cases.length === 1) return 1;
  if (basis === 'uniform') return 1 / cases.length;
  // An edge is named by the vertex a case continues at, so cases that continue at the same vertex share its
  // count (empty cases are taken to continue at the same vertex as each other).
  const to = labels[ch.at]?.split(':')[0] ?? '(end)';
  const mine = cases[ch.caseIndex]!;
  const firstOf = (chain: readonly number[]): string | null => (chain.length > 0 ? (ir.nodes[chain[0]!]?.name ?? null) : null);
  const sharing = cases.filter((c) => (mine.chain.length === 0 ? c.chain.length === 0 || firstOf(c.chain) === to : firstOf(c.chain) === to)).length;
  let total = 0;
  for (const [k, v] of edgeCount) if (k.startsWith(`${ch.from}\u0000`) && !k.endsWith('\u0000(error)')) total += v;
  const count = edgeCount.get(`${ch.from}\u0000${to}`) ?? 0;
  return total > 0 ? count / total / Math.max(1, sharing) : 1 / cases.length;
}
