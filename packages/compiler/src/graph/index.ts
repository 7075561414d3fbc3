/**
 * `flux graph`: draws a compiled Flux program as an SVG picture. Sources, concrete nodes, abstract nodes
 * (as clusters holding their flows), dispatch cases labelled by pattern, error handlers (dashed red edges),
 * and each node's lock set with elevated locks marked. Layout by ELK's layered algorithm.
 */

import type { ProgramIR } from '../ir.ts';
import { applyHeat, type GraphHeat } from './heat.ts';
import { layoutGraph } from './layout.ts';
import { buildGraphModel } from './model.ts';
import { renderSvg } from './svg.ts';

export interface RenderGraphOptions {
  /** Heading of the picture; the program name when absent. */
  readonly title?: string;
  /** Heat from a profile (`flux profile --svg`): node fills, edge widths and counts, lock colours. */
  readonly heat?: GraphHeat;
}

/** Renders `ir` as a self-contained SVG document. The same IR and options always give the same text. */
export async function renderGraphSvg(ir: ProgramIR, options: RenderGraphOptions = {}): Promise<string> {
  const plain = buildGraphModel(ir, options.title);
  const model = options.heat === undefined ? plain : applyHeat(plain, ir, options.heat);
  const layout = await layoutGraph(model);
  return renderSvg(model, layout);
}

export { GraphRenderError } from './errors.ts';
export { applyHeat, formatCount, heatColor } from './heat.ts';
export type { EdgeHeat, GraphHeat, HeatShare, ItemHeat, NodeTraffic } from './heat.ts';
export { buildGraphModel } from './model.ts';
export type { GraphCluster, GraphEdge, GraphItem, GraphLeaf, GraphModel } from './model.ts';
