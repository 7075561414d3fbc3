/** Writes a laid-out graph as one self-contained SVG document (no scripts, no external references). */

import type { GraphLayout, PlacedCluster } from './layout.ts';
import { clusterHeader } from './layout.ts';
import { renderLegend } from './legend.ts';
import type { GraphModel } from './model.ts';
import { heatColor } from './heat.ts';
import { edgeLabel, edgePath, leafShape, drawLockSet, markerDefs, monoText, type MarkerIds } from './shapes.ts';
import { COLOR, FONT_SANS, SIZE, monoWidth, sansWidth } from './theme.ts';
import { el, escapeXml, num } from './xml.ts';

const HEADER_HEIGHT = 52;
const LEGEND_GAP = 24;

export function renderSvg(model: GraphModel, layout: GraphLayout): string {
  const prefix = `flux-${model.program.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const markers: MarkerIds = { flow: `${prefix}-arrow`, source: `${prefix}-arrow-source`, error: `${prefix}-arrow-error` };
  const margin = SIZE.margin;
  const graphTop = margin + HEADER_HEIGHT;

  const subtitle = model.subtitle ?? describeModel(model, layout);
  const legendTop = graphTop + layout.height + LEGEND_GAP;
  const legend = renderLegend(margin, legendTop, layout.width, markers, hasHeat(model));
  // Heat fills are relative to the hottest node, so the hottest is always red.
  const hottest = Math.max(0, ...layout.leaves.map((p) => p.leaf.heat?.share ?? 0), ...layout.clusters.map((p) => p.cluster.heat?.share ?? 0));
  const fillOf = (share: number): string => heatColor(hottest > 0 ? share / hottest : 0);
  const contentWidth = Math.max(layout.width, legend.width, sansWidth(model.title, SIZE.titleFont), sansWidth(subtitle, 12));
  const width = Math.ceil(contentWidth + 2 * margin);
  const height = Math.ceil(legendTop + legend.height + margin);

  const graph = [
    ...layout.clusters.map((placed) => drawCluster(placed, placed.cluster.heat === undefined ? undefined : fillOf(placed.cluster.heat.share))),
    ...layout.edges.flatMap((placed) => placed.sections.map((points) => edgePath(placed.edge.kind, points, markers, placed.edge.heat))),
    ...layout.leaves.map((placed) => {
      const heat = placed.leaf.heat;
      const drawn = heat === undefined ? undefined : { fill: fillOf(heat.share), label: heat.label };
      return el('g', {}, el('title', {}, escapeXml(placed.leaf.tooltip)) + leafShape(placed.leaf.shape, placed.box, placed.leaf.name, placed.leaf.locks, drawn));
    }),
    ...layout.edges.flatMap((placed) =>
      placed.label === null || placed.edge.label === null ? [] : [edgeLabel(placed.edge.kind, placed.label, placed.edge.label)],
    ),
  ].join('\n');

  const body = [
    el('title', {}, escapeXml(`Flux program ${model.title}`)),
    el('desc', {}, escapeXml(subtitle)),
    el('defs', {}, markerDefs(markers, hasHeat(model))),
    el('rect', { x: 0, y: 0, width, height, fill: COLOR.background }),
    el(
      'text',
      { x: margin, y: margin + 18, 'font-family': FONT_SANS, 'font-size': SIZE.titleFont, 'font-weight': 'bold', fill: COLOR.text },
      escapeXml(model.title),
    ),
    el('text', { x: margin, y: margin + 38, 'font-family': FONT_SANS, 'font-size': 12, fill: COLOR.muted }, escapeXml(subtitle)),
    el('g', { class: 'graph', transform: `translate(${num(margin)},${num(graphTop)})` }, `\n${graph}\n`),
    legend.markup,
  ].join('\n');

  return `${el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'font-family': FONT_SANS,
    },
    `\n${body}\n`,
  )}\n`;
}

function drawCluster(placed: PlacedCluster, heatFill?: string): string {
  const { cluster, box, depth } = placed;
  const header = clusterHeader(cluster);
  const fill = heatFill ?? COLOR.clusterFill[depth % COLOR.clusterFill.length];
  const stroke = cluster.source ? COLOR.sourceStroke : COLOR.clusterStroke;
  const headerY = box.y + SIZE.clusterPad / 2 + SIZE.clusterHeader / 2;
  const nameX = box.x + SIZE.clusterPad;
  let markup =
    el('title', {}, escapeXml(cluster.tooltip)) +
    el('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 8, fill, stroke, 'stroke-width': cluster.source ? 1.6 : 1.2 }) +
    monoText(nameX, headerY, SIZE.nameFont, escapeXml(header.name), { anchor: 'start', bold: true });
  if (cluster.locks.length > 0) {
    markup += drawLockSet(nameX + monoWidth(header.name, SIZE.nameFont) + 10, headerY, cluster.locks, 'start');
  }
  return el('g', {}, markup);
}

function hasHeat(model: GraphModel): boolean {
  const hot = (items: GraphModel['items']): boolean =>
    items.some((i) => i.heat !== undefined || (i.kind === 'cluster' && hot(i.children)));
  return hot(model.items) || model.edges.some((e) => e.heat !== undefined);
}

function describeModel(model: GraphModel, layout: GraphLayout): string {
  const nodes = layout.leaves.filter((p) => p.leaf.shape === 'concrete' || p.leaf.shape === 'source').length + layout.clusters.length;
  const sources = model.edges.filter((e) => e.kind === 'source').length;
  const handlers = layout.leaves.filter((p) => p.leaf.shape === 'handler').length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `Flux program ${model.program}: ${plural(nodes, 'node')}, ${plural(sources, 'source')}, ${plural(handlers, 'error handler')}`;
}
