/**
 * A small SVG line chart (no dependency): series of (x, y) points on a log or linear x axis, one or two y
 * panels. Used for `flux simulate --chart` and for the validation overlay; vega-lite stays in the benchmark
 * package, where its runtime weight is already paid, rather than becoming a dependency of the analysis tools.
 */

export interface Series {
  readonly name: string;
  readonly points: readonly { x: number; y: number }[];
  /** Dashed line (predictions), solid otherwise. */
  readonly dashed?: boolean;
  readonly color?: string;
}

export interface Panel {
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
}

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#eeca3b'];

export function lineChartSvg(options: { title: string; xLabel: string; logX: boolean; panels: readonly Panel[] }): string {
  const panelW = 460;
  const panelH = 280;
  const margin = { left: 70, right: 20, top: 50, bottom: 50 };
  const legendW = 260;
  const width = margin.left + options.panels.length * (panelW + margin.left) + legendW;
  const height = margin.top + panelH + margin.bottom;
  const xs = options.panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.x))).filter((x) => Number.isFinite(x) && (!options.logX || x > 0));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const fx = (x: number): number => {
    if (xMax === xMin) return panelW / 2;
    return options.logX ? ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * panelW : ((x - xMin) / (xMax - xMin)) * panelW;
  };
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${margin.left}" y="20" font-size="14">${esc(options.title)}</text>`);
  const colorOf = new Map<string, string>();
  const allSeries = options.panels.flatMap((p) => p.series);
  for (const s of allSeries) if (!colorOf.has(baseName(s.name))) colorOf.set(baseName(s.name), s.color ?? PALETTE[colorOf.size % PALETTE.length]!);
  options.panels.forEach((panel, pi) => {
    const ox = margin.left + pi * (panelW + margin.left);
    const oy = margin.top;
    const ys = panel.series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
    const yMax = niceCeil(Math.max(1e-9, ...ys));
    const fy = (y: number): number => panelH - (y / yMax) * panelH;
    out.push(`<g transform="translate(${ox},${oy})">`);
    out.push(`<text x="0" y="-8" font-size="12">${esc(panel.title)}</text>`);
    out.push(`<rect width="${panelW}" height="${panelH}" fill="none" stroke="#ccc"/>`);
    for (let i = 0; i <= 4; i++) {
      const y = (yMax * i) / 4;
      out.push(`<line x1="0" x2="${panelW}" y1="${fy(y)}" y2="${fy(y)}" stroke="#eee"/>`);
      out.push(`<text x="-6" y="${fy(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
    }
    const ticks = [...new Set(xs)].sort((a, b) => a - b);
    for (const x of ticks) out.push(`<text x="${fx(x)}" y="${panelH + 16}" text-anchor="middle">${fmt(x)}</text>`);
    out.push(`<text x="${panelW / 2}" y="${panelH + 36}" text-anchor="middle">${esc(options.xLabel)}</text>`);
    out.push(`<text transform="translate(-52,${panelH / 2}) rotate(-90)" text-anchor="middle">${esc(panel.yLabel)}</text>`);
    for (const s of panel.series) {
      const pts = s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x) && (!options.logX || p.x > 0));
      if (pts.length === 0) continue;
      const color = colorOf.get(baseName(s.name))!;
      const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${fx(p.x).toFixed(1)},${fy(p.y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`);
      for (const p of pts) out.push(`<circle cx="${fx(p.x).toFixed(1)}" cy="${fy(p.y).toFixed(1)}" r="3" fill="${s.dashed ? 'white' : color}" stroke="${color}"/>`);
    }
    out.push('</g>');
  });
  const lx = margin.left + options.panels.length * (panelW + margin.left) - 40;
  const names = [...new Set(allSeries.map((s) => s.name))];
  names.forEach((name, i) => {
    const s = allSeries.find((x) => x.name === name)!;
    const y = margin.top + i * 16;
    const color = colorOf.get(baseName(name))!;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`);
    out.push(`<text x="${lx + 30}" y="${y + 4}">${esc(name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Series "flux (event) predicted" and "flux (event) measured" share a colour. */
function baseName(name: string): string {
  return name.replace(/\s+(predicted|measured|simulated|bounds|usl)$/, '');
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${(v / 1e3).toPrecision(3)}k`;
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
