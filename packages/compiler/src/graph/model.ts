/**
 * Turns a ProgramIR into a graph model: a tree of boxes (abstract nodes become clusters holding the nodes
 * their flows use) and a list of edges (flow steps, dispatch branches, sources, error handlers). Pure and
 * deterministic: everything is ordered by IR index or by name.
 *
 * Each IR node appears once. A node used by several abstract nodes sits in the innermost cluster that holds
 * all its users (their lowest common ancestor), and the edges show each use.
 */

import type { AbstractNodeIR, CaseIR, LockUseIR, NodeIR, ParamIR, PatternIR, ProgramIR } from '../ir.ts';
import { GraphRenderError } from './errors.ts';
import type { EdgeHeat, ItemHeat } from './heat.ts';

export interface LockChip {
  /** As written in a lock set, e.g. `cache?`, `x!(session)`; elevated locks carry a leading `↑`. */
  readonly text: string;
  readonly elevated: boolean;
  /** `flux profile --svg`: this lock's share of the lock wait. */
  readonly heat?: ItemHeat;
}

/**
 * concrete: an ordinary node; source: a concrete source node; handler: an error handler function;
 * entry / exit: where a plain flow of a cluster starts and ends; dispatch: where a dispatching cluster
 * picks its case.
 */
export type LeafShape = 'concrete' | 'source' | 'handler' | 'entry' | 'dispatch' | 'exit';

export interface GraphLeaf {
  readonly kind: 'leaf';
  readonly id: string;
  readonly shape: LeafShape;
  /** Text drawn in the box (empty for entry, exit and dispatch markers). */
  readonly name: string;
  readonly locks: readonly LockChip[];
  /** Longer description, shown as a hover title. */
  readonly tooltip: string;
  /** For a dispatch marker: how many cases leave it (each from its own point, in case order). */
  readonly branches: number;
  /** `flux profile --svg`: the node's share of time, drawn as its fill and a line under its name. */
  readonly heat?: ItemHeat;
}

export interface GraphCluster {
  readonly kind: 'cluster';
  readonly id: string;
  readonly name: string;
  readonly locks: readonly LockChip[];
  readonly dispatch: boolean;
  /** True when this abstract node is itself a source. */
  readonly source: boolean;
  readonly tooltip: string;
  readonly children: readonly GraphItem[];
  readonly heat?: ItemHeat;
}

export type GraphItem = GraphLeaf | GraphCluster;

/**
 * flow: one step of a chain; branch: a dispatch case entering its chain; passthrough: an empty flow;
 * source: a source feeding its target; error: a node to its handler.
 */
export type EdgeKind = 'flow' | 'branch' | 'passthrough' | 'source' | 'error';

export interface GraphEdge {
  readonly id: string;
  readonly kind: EdgeKind;
  readonly from: string;
  readonly to: string;
  readonly label: string | null;
  /** For an edge leaving a dispatch marker: the index of its case. */
  readonly branch: number | null;
  /** `flux profile --svg`: the edge's traffic (its width). */
  readonly heat?: EdgeHeat;
}

export interface GraphModel {
  readonly program: string;
  readonly title: string;
  /** The line under the title; a description of the program when absent. */
  readonly subtitle?: string;
  readonly items: readonly GraphItem[];
  readonly edges: readonly GraphEdge[];
}

/** Container of an item: the id of the abstract node whose cluster holds it, or null for the top level. */
type Container = number | null;

export function buildGraphModel(ir: ProgramIR, title?: string): GraphModel {
  checkIndices(ir);
  const containers = placeNodes(ir);
  const sourceNodes = new Set(ir.sources.map((s) => s.node));

  const handlerNames = [...new Set(ir.nodes.flatMap((n) => (n.handler === null ? [] : [n.handler])))].sort();
  const handlerId = new Map(handlerNames.map((name, i) => [name, `h${i}`]));

  const handlerContainer = new Map(
    handlerNames.map((name) => [name, lowestCommonContainer(ir.nodes.filter((n) => n.handler === name).map((n) => containers.get(n.id)!), containers)]),
  );

  // The items a container holds: its nodes in reading order, then its handlers by name.
  const reading = readingOrder(ir);
  const assemble = (container: Container): GraphItem[] => [
    ...reading.filter((n) => containers.get(n.id) === container).map((n) => buildItem(n)),
    ...handlerNames
      .filter((name) => handlerContainer.get(name) === container)
      .map((name): GraphLeaf => ({
        kind: 'leaf',
        id: handlerId.get(name)!,
        shape: 'handler',
        name,
        locks: [],
        branches: 0,
        tooltip: `error handler ${name} (for ${ir.nodes.filter((n) => n.handler === name).map((n) => n.name).join(', ')})`,
      })),
  ];

  const buildItem = (node: NodeIR): GraphItem => {
    const locks = node.locks.map((use) => lockChip(ir, use));
    if (node.kind === 'concrete') {
      return {
        kind: 'leaf',
        id: nodeId(node),
        shape: sourceNodes.has(node.id) ? 'source' : 'concrete',
        name: node.name,
        locks,
        tooltip: describeNode(ir, node),
        branches: 0,
      };
    }
    const dispatch = isDispatch(node);
    const entry: GraphLeaf = {
      kind: 'leaf',
      id: entryId(node),
      shape: dispatch ? 'dispatch' : 'entry',
      name: '',
      locks: [],
      tooltip: dispatch ? `${node.name}: the first case that matches runs` : `${node.name}: flow starts`,
      branches: dispatch ? node.cases.length : 0,
    };
    const exit: GraphLeaf = { kind: 'leaf', id: exitId(node), shape: 'exit', name: '', locks: [], tooltip: `${node.name}: flow ends`, branches: 0 };
    return {
      kind: 'cluster',
      id: nodeId(node),
      name: node.name,
      locks,
      dispatch,
      source: sourceNodes.has(node.id),
      tooltip: describeNode(ir, node),
      children: [entry, ...assemble(node.id), exit],
    };
  };

  return {
    program: ir.program,
    title: title ?? ir.program,
    items: assemble(null),
    edges: buildEdges(ir, handlerId),
  };
}

function buildEdges(ir: ProgramIR, handlerId: ReadonlyMap<string, string>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (kind: EdgeKind, from: string, to: string, label: string | null, branch: number | null = null): void => {
    const key = `${kind}|${from}|${to}|${label ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ id: `e${edges.length}`, kind, from, to, label, branch });
  };
  const start = (id: number): string => {
    const node = ir.nodes[id];
    return node.kind === 'abstract' ? entryId(node) : nodeId(node);
  };
  const end = (id: number): string => {
    const node = ir.nodes[id];
    return node.kind === 'abstract' ? exitId(node) : nodeId(node);
  };

  for (const source of ir.sources) {
    add('source', end(source.node), start(source.target), source.session === null ? null : `session: ${source.session}`);
  }
  for (const node of ir.nodes) {
    if (node.kind !== 'abstract') continue;
    const dispatch = isDispatch(node);
    node.cases.forEach((flowCase, index) => {
      const label = dispatch ? `${index + 1}: ${patternText(ir, flowCase, node.cases.length)}` : null;
      const branch = dispatch ? index : null;
      if (flowCase.chain.length === 0) {
        add('passthrough', entryId(node), exitId(node), label, branch);
        return;
      }
      add(dispatch ? 'branch' : 'flow', entryId(node), start(flowCase.chain[0]), label, branch);
      for (let i = 1; i < flowCase.chain.length; i++) add('flow', end(flowCase.chain[i - 1]), start(flowCase.chain[i]), null);
      add('flow', end(flowCase.chain[flowCase.chain.length - 1]), exitId(node), null);
    });
  }
  for (const node of ir.nodes) {
    if (node.handler !== null) add('error', nodeId(node), handlerId.get(node.handler)!, null);
  }
  return edges;
}

/**
 * Nodes in the order a reader meets them: each source, then its target's flows case by case, depth first;
 * nodes reached from no source come last, in IR order. The layout keeps this order where it has a choice,
 * so the first dispatch case is drawn on top.
 */
function readingOrder(ir: ProgramIR): NodeIR[] {
  const order: NodeIR[] = [];
  const seen = new Set<number>();
  const visit = (id: number): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const node = ir.nodes[id];
    order.push(node);
    if (node.kind === 'abstract') for (const flowCase of node.cases) for (const child of flowCase.chain) visit(child);
  };
  for (const source of ir.sources) {
    visit(source.node);
    visit(source.target);
  }
  for (const node of ir.nodes) visit(node.id);
  return order;
}

/** Decides each node's container: the lowest common ancestor of the abstract nodes whose flows use it. */
function placeNodes(ir: ProgramIR): Map<number, Container> {
  const users = new Map<number, number[]>();
  for (const node of ir.nodes) {
    if (node.kind !== 'abstract') continue;
    for (const flowCase of node.cases) {
      for (const child of flowCase.chain) {
        const list = users.get(child) ?? [];
        if (!list.includes(node.id)) list.push(node.id);
        users.set(child, list);
      }
    }
  }
  const containers = new Map<number, Container>();
  const visiting = new Set<number>();
  const place = (id: number): Container => {
    if (containers.has(id)) return containers.get(id)!;
    if (visiting.has(id)) throw new GraphRenderError(`node ${ir.nodes[id].name} is part of a cycle of abstract nodes`);
    visiting.add(id);
    for (const user of users.get(id) ?? []) place(user);
    const container = lowestCommonContainer(users.get(id) ?? [null], containers);
    visiting.delete(id);
    containers.set(id, container);
    return container;
  };
  for (const node of ir.nodes) place(node.id);
  return containers;
}

/**
 * The innermost container holding every one of `clusters` (each the id of an abstract node, meaning
 * "inside that cluster", or null for the top level).
 */
function lowestCommonContainer(clusters: readonly Container[], containers: ReadonlyMap<number, Container>): Container {
  if (clusters.length === 0 || clusters.includes(null)) return null;
  const chain = (c: Container): number[] => (c === null ? [] : [c, ...chain(containers.get(c) ?? null)]);
  const [first, ...rest] = clusters.map(chain);
  const restSets = rest.map((list) => new Set(list));
  return first.find((c) => restSets.every((set) => set.has(c))) ?? null;
}

function isDispatch(node: AbstractNodeIR): boolean {
  return node.cases.length > 1 || node.cases.some((c) => c.pattern !== null);
}

function patternText(ir: ProgramIR, flowCase: CaseIR, caseCount: number): string {
  if (flowCase.pattern === null) return caseCount > 1 ? 'else' : '[*]';
  return `[${flowCase.pattern.map((p) => patternEntry(ir, p)).join(', ')}]`;
}

function patternEntry(ir: ProgramIR, pattern: PatternIR): string {
  if (pattern.kind === 'any') return '_';
  return `${pattern.negate ? '!' : ''}${ir.predicates[pattern.predicate].name}`;
}

export function lockChip(ir: ProgramIR, use: LockUseIR): LockChip {
  const lock = ir.locks[use.lock];
  const text = `${use.elevated ? '↑' : ''}${lock.name}${use.mode === 'read' ? '?' : '!'}${lock.scope === 'session' ? '(session)' : ''}`;
  return { text, elevated: use.elevated };
}

function describeNode(ir: ProgramIR, node: NodeIR): string {
  const params = (list: readonly ParamIR[]): string => list.map((p) => `${p.name}: ${p.type}`).join(', ');
  const lines = [`${node.kind === 'abstract' ? 'abstract ' : ''}${node.name} (${params(node.inputs)}) => (${params(node.outputs)})`];
  if (node.locks.length > 0) lines.push(`locks {${node.locks.map((u) => lockChip(ir, u).text).join(', ')}}`);
  if (node.handler !== null) lines.push(`on error => ${node.handler}`);
  if (node.kind === 'abstract' && node.cases.length > 1) lines.push(`${node.cases.length} cases, first match wins`);
  lines.push(`line ${node.loc.line}`);
  return lines.join('\n');
}

function nodeId(node: NodeIR): string {
  return node.kind === 'abstract' ? `c${node.id}` : `n${node.id}`;
}

function entryId(node: NodeIR): string {
  return `c${node.id}:in`;
}

function exitId(node: NodeIR): string {
  return `c${node.id}:out`;
}

/** Rejects dangling indices, so that later stages can index the IR freely. */
function checkIndices(ir: ProgramIR): void {
  const bad = (what: string): never => {
    throw new GraphRenderError(`invalid IR for program ${ir.program}: ${what}`);
  };
  const nodeCount = ir.nodes.length;
  ir.nodes.forEach((node, index) => {
    if (node.id !== index) bad(`node ${node.name} has id ${node.id} at index ${index}`);
    for (const use of node.locks) if (ir.locks[use.lock] === undefined) bad(`node ${node.name} uses unknown lock ${use.lock}`);
    if (node.kind !== 'abstract') return;
    for (const flowCase of node.cases) {
      for (const child of flowCase.chain) if (child < 0 || child >= nodeCount) bad(`node ${node.name} uses unknown node ${child}`);
      for (const p of flowCase.pattern ?? []) {
        if (p.kind === 'predicate' && ir.predicates[p.predicate] === undefined) bad(`node ${node.name} uses unknown predicate ${p.predicate}`);
      }
    }
  });
  for (const source of ir.sources) {
    if (ir.nodes[source.node] === undefined || ir.nodes[source.target] === undefined) bad(`source ${source.node} => ${source.target}`);
  }
}
