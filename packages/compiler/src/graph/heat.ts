/**
 * Heat over the program picture (`flux profile --svg`): nodes filled by their share of time, edges as wide as
 * their traffic and labelled with it, lock sets coloured by their share of lock wait. The compiler knows
 * nothing of statistics: the caller gives shares and counts per node and lock name, and this maps them onto
 * the graph model before layout (so the labels are sized like any other).
 *
 * Edge traffic comes from per-node counts, so a node used in several places shows their sum on each use:
 * the edge into a node carries the flows that entered it, the edge out of it to a flow's end those that left
 * it without error, an error edge those that failed in it.
 */

import type { ProgramIR } from '../ir.ts';
import type { GraphCluster, GraphEdge, GraphItem, GraphLeaf, GraphModel, LockChip } from './model.ts';

export interface HeatShare {
  /** 0..1 */
  readonly share: number;
  /** Short text drawn with the node (e.g. `41% · 12 µs`), and the tooltip's detail. */
  readonly label: string;
  readonly detail?: string;
}

export interface NodeTraffic {
  /** Flows that entered the node. */
  readonly entered: number;
  /** Flows that left it without error. */
  readonly ok: number;
  /** Flows that failed in it. */
  readonly failed: number;
}

export interface GraphHeat {
  /** What the heat shows, printed under the title. */
  readonly caption: string;
  /** By node name (concrete or abstract). */
  readonly nodes: Readonly<Record<string, HeatShare>>;
  readonly traffic: Readonly<Record<string, NodeTraffic>>;
  /** By lock name. */
  readonly locks: Readonly<Record<string, HeatShare>>;
}

/** A leaf's or cluster's heat once applied. */
export interface ItemHeat {
  readonly share: number;
  readonly label: string;
}

export interface EdgeHeat {
  /** Traffic relative to the busiest edge, 0..1. */
  readonly share: number;
  readonly count: number;
}

/** Returns `model` with heat on its items, edges and lock chips, and the caption as its subtitle. */
export function applyHeat(model: GraphModel, ir: ProgramIR, heat: GraphHeat): GraphModel {
  const nameOf = new Map<string, string>();
  for (const node of ir.nodes) {
    if (node.kind === 'abstract') {
      nameOf.set(`c${node.id}`, node.name);
      nameOf.set(`c${node.id}:in`, node.name);
      nameOf.set(`c${node.id}:out`, node.name);
    } else nameOf.set(`n${node.id}`, node.name);
  }
  const lockHeat = (chip: LockChip): LockChip => {
    const name = lockName(chip.text);
    const h = heat.locks[name];
    return h === undefined ? chip : { ...chip, heat: { share: clamp(h.share), label: h.label } };
  };
  const tooltip = (base: string, name: string): string => {
    const h = heat.nodes[name];
    return h === undefined ? base : `${base}\n${h.detail ?? h.label}`;
  };
  const itemHeat = (name: string): ItemHeat | undefined => {
    const h = heat.nodes[name];
    return h === undefined ? undefined : { share: clamp(h.share), label: h.label };
  };
  const mapItem = (item: GraphItem): GraphItem => {
    if (item.kind === 'leaf') {
      const name = nameOf.get(item.id);
      if (name === undefined || (item.shape !== 'concrete' && item.shape !== 'source')) return item;
      const leaf: GraphLeaf = { ...item, locks: item.locks.map(lockHeat), tooltip: tooltip(item.tooltip, name), heat: itemHeat(name) };
      return leaf;
    }
    const name = nameOf.get(item.id)!;
    const cluster: GraphCluster = {
      ...item,
      locks: item.locks.map(lockHeat),
      tooltip: tooltip(item.tooltip, name),
      heat: itemHeat(name),
      children: item.children.map(mapItem),
    };
    return cluster;
  };

  const count = (edge: GraphEdge): number | null => {
    const tail = nameOf.get(edge.from);
    const head = nameOf.get(edge.to);
    if (edge.kind === 'error') return tail === undefined ? null : (heat.traffic[tail]?.failed ?? 0);
    if (edge.kind === 'passthrough') return null;
    // Into a node (or an abstract node's entry from outside it): the flows that entered that node.
    if (head !== undefined && !edge.to.endsWith(':out')) return heat.traffic[head]?.entered ?? 0;
    // To an abstract node's exit: the flows that left the last node of its chain without error.
    if (tail !== undefined) return heat.traffic[tail]?.ok ?? 0;
    return null;
  };
  const counts = model.edges.map(count);
  const busiest = Math.max(1, ...counts.map((c) => c ?? 0));
  const edges = model.edges.map((edge, i): GraphEdge => {
    const c = counts[i];
    if (c === null || c === undefined) return edge;
    const text = formatCount(c);
    return { ...edge, label: edge.label === null ? text : `${edge.label} · ${text}`, heat: { share: c / busiest, count: c } };
  });
  return { ...model, subtitle: heat.caption, items: model.items.map(mapItem), edges };
}

/** `cache?`, `↑x!(session)` -> `cache`, `x`. */
function lockName(text: string): string {
  return text.replace(/^↑/, '').replace(/\(session\)$/, '').replace(/[?!]$/, '');
}

function clamp(share: number): number {
  return Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
}

/** 950, 9.5k, 12k, 1.2M. */
export function formatCount(n: number): string {
  if (n < 999.5) return String(Math.round(n));
  if (n < 9_950) return `${(n / 1000).toFixed(1)}k`;
  if (n < 999_500) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/**
 * The heat ramp: white through yellow and orange to red, by share relative to the hottest (so the hottest is
 * always red). Returns a `#rrggbb` colour.
 */
export function heatColor(relative: number): string {
  const stops: readonly [number, number, number][] = [
    [0xff, 0xff, 0xff],
    [0xff, 0xf1, 0xb8],
    [0xff, 0xc0, 0x7a],
    [0xf4, 0x7a, 0x4c],
    [0xd7, 0x30, 0x27],
  ];
  const t = clamp(relative) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t));
  const f = t - i;
  const [a, b] = [stops[i]!, stops[i + 1]!];
  const hex = (k: number): string => Math.round(a[k]! + (b[k]! - a[k]!) * f).toString(16).padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}
