/**
 * Drawing of the individual pieces of the picture (node shapes, lock sets, edges, labels), shared by the
 * graph and its legend. Each function returns SVG markup positioned in absolute coordinates.
 */

import { heatColor, type EdgeHeat } from './heat.ts';
import type { Box, Point } from './layout.ts';
import type { EdgeKind, LeafShape, LockChip } from './model.ts';
import { COLOR, FONT_MONO, FONT_SANS, SIZE } from './theme.ts';
import { el, escapeXml, polyline } from './xml.ts';

export interface MarkerIds {
  readonly flow: string;
  readonly source: string;
  readonly error: string;
}

/** Arrowhead definitions, one per edge colour; with `heat`, also ones of a fixed size for edges of any width. */
export function markerDefs(ids: MarkerIds, heat = false): string {
  const marker = (id: string, color: string, fixed = false): string =>
    el(
      'marker',
      fixed
        ? { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 14, markerHeight: 14, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }
        : { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
      el('path', { d: 'M0,0 L10,5 L0,10 z', fill: color }),
    );
  const base = marker(ids.flow, COLOR.edge) + marker(ids.source, COLOR.sourceEdge) + marker(ids.error, COLOR.error);
  if (!heat) return base;
  return base + marker(heatMarker(ids.flow), COLOR.edge, true) + marker(heatMarker(ids.source), COLOR.sourceEdge, true) + marker(heatMarker(ids.error), COLOR.error, true);
}

/** The fixed-size arrowhead id of a heat edge (a stroke-scaled head would grow with the edge's width). */
function heatMarker(id: string): string {
  return `${id}-heat`;
}

/** Baseline that vertically centres text of `size` on `centerY`. */
function baseline(centerY: number, size: number): number {
  return centerY + size * 0.35;
}

/** A text element in the monospace stack. */
export function monoText(
  x: number,
  centerY: number,
  size: number,
  content: string,
  options: { anchor?: 'start' | 'middle'; color?: string; bold?: boolean; preserveSpaces?: boolean } = {},
): string {
  return el(
    'text',
    {
      x,
      y: baseline(centerY, size),
      'font-family': FONT_MONO,
      'font-size': size,
      'font-weight': options.bold === true ? 'bold' : undefined,
      'text-anchor': options.anchor ?? 'middle',
      fill: options.color ?? COLOR.text,
      // Spaces at the edge of a tspan are otherwise dropped by some renderers.
      'xml:space': options.preserveSpaces === true ? 'preserve' : undefined,
    },
    content,
  );
}

/**
 * A lock set such as `{cache?, ↑x!(session)}`: elevated locks in their own colour and bold, their `↑` set
 * in the sans stack, whose arrow is larger than most monospace ones.
 */
export function drawLockSet(x: number, centerY: number, locks: readonly LockChip[], anchor: 'start' | 'middle'): string {
  const parts: string[] = [el('tspan', { fill: COLOR.muted }, '{')];
  locks.forEach((lock, i) => {
    if (i > 0) parts.push(el('tspan', { fill: COLOR.muted }, ', '));
    if (lock.elevated && lock.text.startsWith('↑')) {
      parts.push(el('tspan', { fill: COLOR.elevated, 'font-weight': 'bold', 'font-family': FONT_SANS }, '↑'));
      parts.push(el('tspan', { fill: COLOR.elevated, 'font-weight': 'bold' }, escapeXml(lock.text.slice(1))));
    } else if (lock.heat !== undefined && lock.heat.share >= 0.05) {
      // A lock that costs waiting: orange to red by its share of the wait, bold.
      parts.push(el('tspan', { fill: heatColor(0.6 + 0.4 * lock.heat.share), 'font-weight': 'bold' }, escapeXml(lock.text)));
    } else {
      parts.push(el('tspan', { fill: COLOR.lock }, escapeXml(lock.text)));
    }
  });
  parts.push(el('tspan', { fill: COLOR.muted }, '}'));
  return monoText(x, centerY, SIZE.lockFont, parts.join(''), { anchor, preserveSpaces: true });
}

/** The outline of a leaf shape filling `box`; `fill` replaces the shape's own fill (heat). */
export function leafOutline(shape: LeafShape, box: Box, fill?: string): string {
  const { x, y, width: w, height: h } = box;
  const cx = x + w / 2;
  const cy = y + h / 2;
  switch (shape) {
    case 'concrete':
      return el('rect', { x, y, width: w, height: h, rx: 4, fill: fill ?? COLOR.concreteFill, stroke: COLOR.concreteStroke, 'stroke-width': 1.2 });
    case 'source': {
      const tip = SIZE.sourceTip;
      const d = `${polyline([{ x, y }, { x: x + w - tip, y }, { x: x + w, y: cy }, { x: x + w - tip, y: y + h }, { x, y: y + h }])} Z`;
      return el('path', { d, fill: fill ?? COLOR.sourceFill, stroke: COLOR.sourceStroke, 'stroke-width': 1.6, 'stroke-linejoin': 'round' });
    }
    case 'handler': {
      // An octagon: the stop sign reads as "the flow ends here, on error".
      const c = Math.min(6, h / 3);
      const d = `${polyline([
        { x: x + c, y },
        { x: x + w - c, y },
        { x: x + w, y: y + c },
        { x: x + w, y: y + h - c },
        { x: x + w - c, y: y + h },
        { x: x + c, y: y + h },
        { x, y: y + h - c },
        { x, y: y + c },
      ])} Z`;
      return el('path', { d, fill: COLOR.handlerFill, stroke: COLOR.handlerStroke, 'stroke-width': 1.2 });
    }
    case 'entry':
      return el('circle', { cx, cy, r: w / 2 - 0.5, fill: COLOR.edge });
    case 'exit':
      return (
        el('circle', { cx, cy, r: w / 2 - 0.5, fill: COLOR.background, stroke: COLOR.edge, 'stroke-width': 1.2 }) +
        el('circle', { cx, cy, r: w / 2 - 3.5, fill: COLOR.edge })
      );
    case 'dispatch': {
      // A diamond, stretched into a hexagon when many cases leave it.
      const half = w / 2;
      const points =
        h <= w
          ? [{ x: cx, y }, { x: x + w, y: cy }, { x: cx, y: y + h }, { x, y: cy }]
          : [{ x: cx, y }, { x: x + w, y: y + half }, { x: x + w, y: y + h - half }, { x: cx, y: y + h }, { x, y: y + h - half }, { x, y: y + half }];
      const d = `${polyline(points)} Z`;
      return el('path', { d, fill: COLOR.dispatchFill, stroke: COLOR.dispatchStroke, 'stroke-width': 1.4, 'stroke-linejoin': 'round' });
    }
  }
}

/** A whole leaf: outline, name, lock set, and (with heat) a fill and a line under the rest. */
export function leafShape(shape: LeafShape, box: Box, name: string, locks: readonly LockChip[], heat?: { fill: string; label: string }): string {
  if (heat !== undefined) {
    const rest = { ...box, height: box.height - SIZE.heatRow };
    const textWidth = shape === 'source' ? box.width - SIZE.sourceTip : box.width;
    return (
      leafOutline(shape, box, heat.fill) +
      leafContent(shape, rest, name, locks) +
      monoText(box.x + textWidth / 2, box.y + box.height - SIZE.heatRow / 2 - 3, SIZE.lockFont, escapeXml(heat.label), { color: COLOR.text, bold: true })
    );
  }
  return leafOutline(shape, box) + leafContent(shape, box, name, locks);
}

/** The name and lock set of a leaf, inside `box`. */
function leafContent(shape: LeafShape, box: Box, name: string, locks: readonly LockChip[]): string {
  let out = '';
  if (name === '') return out;
  const textWidth = shape === 'source' ? box.width - SIZE.sourceTip : box.width;
  const cx = box.x + textWidth / 2;
  if (shape === 'handler') {
    return out + monoText(cx, box.y + box.height / 2, SIZE.lockFont, escapeXml(name), { color: COLOR.error, bold: true });
  }
  if (locks.length === 0) return out + monoText(cx, box.y + box.height / 2, SIZE.nameFont, escapeXml(name));
  out += monoText(cx, box.y + 15, SIZE.nameFont, escapeXml(name));
  return out + drawLockSet(cx, box.y + box.height - 13, locks, 'middle');
}

/** How an edge of each kind is stroked. */
export function edgeStyle(kind: EdgeKind, markers: MarkerIds): { stroke: string; width: number; dash?: string; marker: string } {
  switch (kind) {
    case 'source':
      return { stroke: COLOR.sourceEdge, width: 1.8, marker: markers.source };
    case 'error':
      return { stroke: COLOR.error, width: 1.3, dash: '6 4', marker: markers.error };
    case 'passthrough':
      return { stroke: COLOR.edge, width: 1.4, dash: '1.5 3', marker: markers.flow };
    case 'flow':
    case 'branch':
      return { stroke: COLOR.edge, width: 1.4, marker: markers.flow };
  }
}

/** An edge; with heat, as wide as its traffic (up to 7 px wider for the busiest edge). */
export function edgePath(kind: EdgeKind, points: readonly Point[], markers: MarkerIds, heat?: EdgeHeat): string {
  const style = edgeStyle(kind, markers);
  return el('path', {
    d: polyline(points),
    fill: 'none',
    stroke: style.stroke,
    'stroke-width': heat === undefined ? style.width : Math.round((style.width + 7 * heat.share) * 10) / 10,
    'stroke-dasharray': style.dash,
    'stroke-linecap': style.dash === undefined ? undefined : 'round',
    'stroke-linejoin': 'round',
    'marker-end': `url(#${heat === undefined ? style.marker : heatMarker(style.marker)})`,
  });
}

/** An edge label on a light background so that it stays legible over lines. */
export function edgeLabel(kind: EdgeKind, box: Box, text: string): string {
  const color = kind === 'source' ? COLOR.sourceEdge : kind === 'error' ? COLOR.error : COLOR.branchLabel;
  return (
    el('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 3, fill: COLOR.labelBackground, 'fill-opacity': 0.92 }) +
    monoText(box.x + box.width / 2, box.y + box.height / 2, SIZE.labelFont, escapeXml(text), { color })
  );
}
