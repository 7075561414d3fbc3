/**
 * The legend under the graph: one sample per kind of shape, edge and lock marking, in a grid whose column
 * count follows the width available.
 */

import type { Box } from './layout.ts';
import type { LockChip } from './model.ts';
import { heatColor } from './heat.ts';
import { edgeLabel, edgePath, leafOutline, drawLockSet, type MarkerIds } from './shapes.ts';
import { COLOR, FONT_SANS, SIZE, monoWidth, sansWidth } from './theme.ts';
import { el, escapeXml } from './xml.ts';

interface LegendEntry {
  readonly text: string;
  /** Draws the sample inside the box given. */
  readonly sample: (box: Box, markers: MarkerIds) => string;
}

const SAMPLE_WIDTH = 124;
const ROW_HEIGHT = 30;
const GAP = 10;
const COLUMN_GAP = 24;
const PAD = 12;
const HEADING = 22;

const inset = (box: Box, width: number, height: number): Box => ({
  x: box.x + (box.width - width) / 2,
  y: box.y + (box.height - height) / 2,
  width,
  height,
});

const arrow = (box: Box, kind: 'flow' | 'source' | 'error' | 'passthrough', markers: MarkerIds, from = 4, to = 4): string => {
  const y = box.y + box.height / 2;
  return edgePath(kind, [{ x: box.x + from, y }, { x: box.x + box.width - to, y }], markers);
};

const BASE_ENTRIES: readonly LegendEntry[] = [
  { text: 'source: each output it makes starts a flow', sample: (b) => leafOutline('source', inset(b, 56, 22)) },
  { text: 'source → its target (label: session function)', sample: (b, m) => arrow(b, 'source', m) },
  { text: 'concrete node (a function)', sample: (b) => leafOutline('concrete', inset(b, 56, 22)) },
  {
    text: 'abstract node, its flows drawn inside',
    sample: (b) => {
      const box = inset(b, 64, 24);
      return el('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 7, fill: COLOR.clusterFill[0], stroke: COLOR.clusterStroke, 'stroke-width': 1.2 });
    },
  },
  {
    text: 'flow start → … → flow end',
    sample: (b, m) => {
      const y = b.y + b.height / 2;
      return (
        leafOutline('entry', { x: b.x + 6, y: y - SIZE.entry / 2, width: SIZE.entry, height: SIZE.entry }) +
        edgePath('flow', [{ x: b.x + 18, y }, { x: b.x + b.width - 18, y }], m) +
        leafOutline('exit', { x: b.x + b.width - 18, y: y - SIZE.entry / 2, width: SIZE.entry, height: SIZE.entry })
      );
    },
  },
  { text: 'dispatch: first matching case wins', sample: (b) => leafOutline('dispatch', inset(b, SIZE.dispatch, SIZE.dispatch)) },
  {
    text: 'case n: pattern (_ any, !p: p fails)',
    sample: (b, m) => {
      const text = '1: [_, p]';
      const width = Math.ceil(monoWidth(text, SIZE.labelFont) + 8);
      return arrow(b, 'flow', m) + edgeLabel('branch', inset(b, width, 17), text);
    },
  },
  { text: 'empty flow: inputs pass through', sample: (b, m) => arrow(b, 'passthrough', m) },
  {
    text: 'on error: handler runs, flow ends',
    sample: (b, m) => arrow(b, 'error', m, 4, 40) + leafOutline('handler', { x: b.x + b.width - 38, y: b.y + b.height / 2 - 9, width: 36, height: 18 }),
  },
  {
    text: 'locks: ? read, ! write, (session) scope',
    sample: (b) => drawLockSet(b.x + b.width / 2, b.y + b.height / 2, chips(['l?', 'm!(session)'], false), 'middle'),
  },
  {
    text: '↑ elevated by the deadlock analysis',
    sample: (b) => drawLockSet(b.x + b.width / 2, b.y + b.height / 2, chips(['↑l!'], true), 'middle'),
  },
];

/** Extra entries of a picture with heat (`flux profile --svg`). */
const HEAT_ENTRIES: readonly LegendEntry[] = [
  {
    text: 'fill: share of time (hottest red)',
    sample: (b) => {
      const steps = 8;
      const w = (b.width - 8) / steps;
      return Array.from({ length: steps }, (_, i) =>
        el('rect', { x: b.x + 4 + i * w, y: b.y + b.height / 2 - 7, width: w, height: 14, fill: heatColor(i / (steps - 1)), stroke: '#d0d7de', 'stroke-width': 0.5 }),
      ).join('');
    },
  },
  {
    text: 'width and count: flows along the edge',
    sample: (b, m) => edgePath('flow', [{ x: b.x + 4, y: b.y + b.height / 2 }, { x: b.x + b.width - 4, y: b.y + b.height / 2 }], m, { share: 1, count: 0 }),
  },
  {
    text: 'lock in red: share of the lock wait',
    sample: (b) => drawLockSet(b.x + b.width / 2, b.y + b.height / 2, [{ text: 'l!', elevated: false, heat: { share: 1, label: '' } }], 'middle'),
  },
];

function chips(texts: readonly string[], elevated: boolean): LockChip[] {
  return texts.map((text) => ({ text, elevated }));
}

/** Lays the legend out at (x, y), in as many columns as fit `maxWidth` (two to three); returns its markup and size. */
export function renderLegend(x: number, y: number, maxWidth: number, markers: MarkerIds, heat = false): { markup: string; width: number; height: number } {
  const ENTRIES = heat ? [...BASE_ENTRIES, ...HEAT_ENTRIES] : BASE_ENTRIES;
  const textWidth = Math.max(...ENTRIES.map((e) => sansWidth(e.text, SIZE.legendFont)));
  const columnWidth = Math.ceil(SAMPLE_WIDTH + GAP + textWidth);
  // At least two columns: a one-column legend would dwarf a small graph.
  const columns = Math.max(2, Math.min(3, Math.floor((maxWidth - 2 * PAD + COLUMN_GAP) / (columnWidth + COLUMN_GAP))));
  const rows = Math.ceil(ENTRIES.length / columns);
  const width = 2 * PAD + columns * columnWidth + (columns - 1) * COLUMN_GAP;
  const height = PAD + HEADING + rows * ROW_HEIGHT + PAD / 2;

  const parts: string[] = [
    el('rect', { x, y, width, height, rx: 6, fill: '#fbfbfc', stroke: '#d0d7de' }),
    el('text', { x: x + PAD, y: y + PAD + 12, 'font-family': FONT_SANS, 'font-size': 13, 'font-weight': 'bold', fill: COLOR.text }, 'Legend'),
  ];
  ENTRIES.forEach((entry, index) => {
    // Fill columns top to bottom so related entries stay together.
    const column = Math.floor(index / rows);
    const row = index % rows;
    const left = x + PAD + column * (columnWidth + COLUMN_GAP);
    const top = y + PAD + HEADING + row * ROW_HEIGHT;
    parts.push(entry.sample({ x: left, y: top, width: SAMPLE_WIDTH, height: ROW_HEIGHT - 6 }, markers));
    parts.push(
      el(
        'text',
        { x: left + SAMPLE_WIDTH + GAP, y: top + (ROW_HEIGHT - 6) / 2 + SIZE.legendFont * 0.35, 'font-family': FONT_SANS, 'font-size': SIZE.legendFont, fill: COLOR.text },
        escapeXml(entry.text),
      ),
    );
  });
  return { markup: el('g', { class: 'legend' }, parts.join('')), width, height };
}
