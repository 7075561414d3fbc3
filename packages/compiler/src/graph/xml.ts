/** Minimal, deterministic XML writing: escaped text and attributes, numbers rounded to one decimal. */

export type AttrValue = string | number | null | undefined;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Control characters other than tab and newline are not allowed in XML 1.0 at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** One decimal, no trailing zeros, never "-0". */
export function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function attrs(map: Readonly<Record<string, AttrValue>>): string {
  let out = '';
  for (const [key, value] of Object.entries(map)) {
    if (value === null || value === undefined) continue;
    out += ` ${key}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
  }
  return out;
}

/** An element; `content` is already-serialised markup (use `escapeXml` for text). */
export function el(name: string, attributes: Readonly<Record<string, AttrValue>>, content?: string): string {
  return content === undefined || content === '' ? `<${name}${attrs(attributes)}/>` : `<${name}${attrs(attributes)}>${content}</${name}>`;
}

/** A path through points: M x,y L x,y ... */
export function polyline(points: readonly { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(p.x)},${num(p.y)}`).join(' ');
}
