/**
 * Lays the graph model out with ELK's layered algorithm (left to right, clusters laid out together with
 * their contents so that edges may cross cluster borders), then flattens the result to absolute coordinates.
 */

import type { ELK, ElkExtendedEdge, ElkLabel, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import ElkModule from 'elkjs/lib/elk.bundled.js';
import type { GraphCluster, GraphEdge, GraphItem, GraphLeaf, GraphModel, LockChip } from './model.ts';
import { SIZE, monoWidth } from './theme.ts';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedLeaf {
  readonly leaf: GraphLeaf;
  readonly box: Box;
}

export interface PlacedCluster {
  readonly cluster: GraphCluster;
  readonly box: Box;
  /** 0 for a top-level cluster, 1 inside it, and so on. */
  readonly depth: number;
}

export interface PlacedEdge {
  readonly edge: GraphEdge;
  /** One polyline per edge section, start point to end point. */
  readonly sections: readonly (readonly Point[])[];
  /** Where the label's box goes, when the edge has a label. */
  readonly label: Box | null;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  /** Outer clusters before the clusters they contain, so drawing in order nests correctly. */
  readonly clusters: readonly PlacedCluster[];
  readonly leaves: readonly PlacedLeaf[];
  readonly edges: readonly PlacedEdge[];
}

const LAYOUT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.randomSeed': '1',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.spacing.nodeNode': '22',
  'elk.layered.spacing.nodeNodeBetweenLayers': '34',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '10',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
  'elk.spacing.edgeLabel': '4',
  'elk.edgeLabels.placement': 'CENTER',
  // On the line itself (the label's background interrupts it), so a label cannot be read as its neighbour's.
  'elk.edgeLabels.inline': 'true',
  // A case pattern reads best right next to the dispatch point it leaves from.
  'elk.layered.edgeLabels.centerLabelPlacementStrategy': 'TAIL_LAYER',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.mergeEdges': 'true',
};

/** Keep reading order (first case on top) where the crossing minimiser has a free choice. */
const MODEL_ORDER_OPTIONS: LayoutOptions = {
  'elk.layered.considerModelOrder.strategy': 'PREFER_EDGES',
};

/** A label box is this much larger than its text, so it can carry a background. */
const LABEL_PAD_X = 8;
const LABEL_HEIGHT = 17;
const DISPATCH_PORT_SPACING = 12;

// elkjs ships CommonJS whose typings declare a default export; at run time the module object is the class.
type ElkConstructor = new () => ELK;
const ElkClass = ((ElkModule as unknown as { default?: ElkConstructor }).default ?? ElkModule) as unknown as ElkConstructor;
let elkInstance: ELK | undefined;

export async function layoutGraph(model: GraphModel): Promise<GraphLayout> {
  elkInstance ??= new ElkClass();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: { 'elk.padding': '[top=0,left=0,bottom=0,right=0]' },
    children: model.items.map(toElkNode),
    edges: model.edges.map(toElkEdge),
  };
  // Options go to every element: under INCLUDE_CHILDREN, ELK reads several of them per cluster.
  let result: ElkNode;
  try {
    result = await elkInstance.layout(root, { layoutOptions: { ...LAYOUT_OPTIONS, ...MODEL_ORDER_OPTIONS } });
  } catch {
    // ELK's model-order code has thrown on some hierarchical graphs; lay out without it rather than fail.
    result = await elkInstance.layout(root, { layoutOptions: LAYOUT_OPTIONS });
  }
  return flatten(model, result);
}

function lockSetString(locks: readonly LockChip[]): string {
  return locks.length === 0 ? '' : `{${locks.map((l) => l.text).join(', ')}}`;
}

/** Size of a leaf box, from its text. */
export function leafSize(leaf: GraphLeaf): { width: number; height: number } {
  switch (leaf.shape) {
    case 'entry':
    case 'exit':
      return { width: SIZE.entry, height: SIZE.entry };
    case 'dispatch':
      // Tall enough to give every case its own exit point.
      return { width: SIZE.dispatch, height: Math.max(SIZE.dispatch, (leaf.branches - 1) * DISPATCH_PORT_SPACING + SIZE.dispatch + 4) };
    case 'handler':
      return { width: Math.ceil(monoWidth(leaf.name, SIZE.lockFont) + 2 * SIZE.nodePadX + 12), height: SIZE.handlerHeight };
    case 'concrete':
    case 'source': {
      const heat = leaf.heat === undefined ? 0 : monoWidth(leaf.heat.label, SIZE.lockFont);
      const text = Math.max(monoWidth(leaf.name, SIZE.nameFont), monoWidth(lockSetString(leaf.locks), SIZE.lockFont), heat);
      const width = Math.max(SIZE.nodeMinWidth, Math.ceil(text + 2 * SIZE.nodePadX)) + (leaf.shape === 'source' ? SIZE.sourceTip : 0);
      const height = leaf.locks.length > 0 ? SIZE.nodeHeightWithLocks : SIZE.nodeHeight;
      return { width, height: leaf.heat === undefined ? height : height + SIZE.heatRow };
    }
  }
}

/** The header line of a cluster: its name (with "source" before it when it is one) and its lock set. */
export function clusterHeader(cluster: GraphCluster): { name: string; locks: string } {
  const heat = cluster.heat === undefined ? '' : `  ${cluster.heat.label}`;
  return { name: `${cluster.source ? 'source ' : ''}${cluster.name}${heat}`, locks: lockSetString(cluster.locks) };
}

function toElkNode(item: GraphItem): ElkNode {
  if (item.kind === 'leaf' && item.shape === 'dispatch') {
    // One port per case on the east side, in case order, so the first case leaves at the top.
    return {
      id: item.id,
      ...leafSize(item),
      layoutOptions: {
        'elk.portConstraints': 'FIXED_ORDER',
        // Keep the ports off the pointed ends of the shape.
        'elk.spacing.portsSurrounding': `[top=${SIZE.dispatch / 2},left=0,bottom=${SIZE.dispatch / 2},right=0]`,
      },
      ports: Array.from({ length: item.branches }, (_, index) => ({
        id: branchPortId(item.id, index),
        width: 0,
        height: 0,
        layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(index) },
      })),
    };
  }
  if (item.kind === 'leaf') return { id: item.id, ...leafSize(item) };
  const header = clusterHeader(item);
  const headerWidth = monoWidth(header.name, SIZE.nameFont) + (header.locks === '' ? 0 : 10 + monoWidth(header.locks, SIZE.lockFont));
  const pad = SIZE.clusterPad;
  return {
    id: item.id,
    layoutOptions: {
      'elk.padding': `[top=${SIZE.clusterHeader + pad},left=${pad},bottom=${pad},right=${pad}]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${Math.ceil(headerWidth + 2 * pad)},${SIZE.clusterHeader + 2 * pad})`,
    },
    children: item.children.map(toElkNode),
  };
}

function toElkEdge(edge: GraphEdge): ElkExtendedEdge {
  const labels: ElkLabel[] =
    edge.label === null
      ? []
      : [
          {
            id: `${edge.id}:label`,
            text: edge.label,
            width: Math.ceil(monoWidth(edge.label, SIZE.labelFont) + LABEL_PAD_X),
            height: LABEL_HEIGHT,
          },
        ];
  return { id: edge.id, sources: [edge.branch === null ? edge.from : branchPortId(edge.from, edge.branch)], targets: [edge.to], labels };
}

function branchPortId(dispatchId: string, index: number): string {
  return `${dispatchId}:case${index}`;
}

function flatten(model: GraphModel, root: ElkNode): GraphLayout {
  const origin = new Map<string, Point>([['root', { x: 0, y: 0 }]]);
  const boxes = new Map<string, Box>();
  const walk = (node: ElkNode, parent: Point): void => {
    for (const child of node.children ?? []) {
      const at = { x: parent.x + (child.x ?? 0), y: parent.y + (child.y ?? 0) };
      origin.set(child.id, at);
      boxes.set(child.id, { ...at, width: child.width ?? 0, height: child.height ?? 0 });
      walk(child, at);
    }
  };
  walk(root, { x: 0, y: 0 });

  const clusters: PlacedCluster[] = [];
  const leaves: PlacedLeaf[] = [];
  const visit = (items: readonly GraphItem[], depth: number): void => {
    for (const item of items) {
      const box = boxes.get(item.id) ?? { x: 0, y: 0, width: 0, height: 0 };
      if (item.kind === 'leaf') leaves.push({ leaf: item, box });
      else {
        clusters.push({ cluster: item, box, depth });
        visit(item.children, depth + 1);
      }
    }
  };
  visit(model.items, 0);

  const laidOutEdges = new Map<string, ElkExtendedEdge>();
  const collectEdges = (node: ElkNode): void => {
    for (const edge of node.edges ?? []) laidOutEdges.set(edge.id, edge);
    for (const child of node.children ?? []) collectEdges(child);
  };
  collectEdges(root);

  const edges = model.edges.map((edge): PlacedEdge => {
    const laidOut = laidOutEdges.get(edge.id);
    // Edge coordinates are relative to the edge's container, which ELK reports after layout.
    const offset = origin.get(laidOut?.container ?? 'root') ?? { x: 0, y: 0 };
    const move = (p: Point): Point => ({ x: p.x + offset.x, y: p.y + offset.y });
    const sections = (laidOut?.sections ?? []).map((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map(move));
    const label = laidOut?.labels?.[0];
    return {
      edge,
      sections,
      label:
        label === undefined || edge.label === null
          ? null
          : { ...move({ x: label.x ?? 0, y: label.y ?? 0 }), width: label.width ?? 0, height: label.height ?? 0 },
    };
  });

  return { width: root.width ?? 0, height: root.height ?? 0, clusters, leaves, edges };
}
