/**
 * Visual constants of the graph picture: fonts, colours, sizes, and the text-width estimate used to size
 * boxes before layout. Names and labels are set in a monospace stack so that the estimate holds whatever
 * font the viewer picks.
 */

export const FONT_MONO = "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
export const FONT_SANS = "system-ui, -apple-system, 'Segoe UI', 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";

export const COLOR = {
  background: '#ffffff',
  text: '#1f2328',
  muted: '#57606a',
  edge: '#424a53',
  concreteFill: '#f6f8fa',
  concreteStroke: '#424a53',
  sourceFill: '#dafbe1',
  sourceStroke: '#1a7f37',
  sourceEdge: '#1a7f37',
  clusterFill: ['#eef4ff', '#f3eeff', '#fff8e6', '#eefbf4'],
  clusterStroke: '#6e7781',
  dispatchFill: '#fff1cc',
  dispatchStroke: '#9a6700',
  branchLabel: '#6a4a00',
  error: '#cf222e',
  handlerFill: '#ffebe9',
  handlerStroke: '#cf222e',
  lock: '#0550ae',
  elevated: '#8250df',
  labelBackground: '#ffffff',
} as const;

export const SIZE = {
  nameFont: 13,
  lockFont: 11,
  labelFont: 11,
  titleFont: 18,
  legendFont: 12,
  /** Horizontal padding inside a node box. */
  nodePadX: 12,
  nodeMinWidth: 56,
  nodeHeight: 30,
  nodeHeightWithLocks: 46,
  handlerHeight: 24,
  /** Extra width of the source shape's arrow tip. */
  sourceTip: 12,
  entry: 12,
  dispatch: 22,
  clusterPad: 12,
  clusterHeader: 24,
  margin: 16,
  /** Extra height of a node box that carries a heat line (`flux profile --svg`). */
  heatRow: 14,
} as const;

/** Average advance of a monospace glyph, as a fraction of the font size (Menlo/DejaVu Sans Mono: 0.602). */
const MONO_ADVANCE = 0.62;

/** Estimated rendered width of `text` in the monospace stack at `fontSize`. */
export function monoWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * MONO_ADVANCE;
}

/** Estimated width of `text` in the sans stack (wider glyphs weigh more; errs on the wide side). */
export function sansWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) {
    if (/[ilj.,:;'|!()[\]{} ]/.test(ch)) units += 0.32;
    else if (/[mwMW@]/.test(ch)) units += 0.9;
    else if (/[A-Z0-9]/.test(ch)) units += 0.68;
    else units += 0.56;
  }
  return units * fontSize;
}
