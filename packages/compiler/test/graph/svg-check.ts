/** Helpers to inspect rendered SVG in tests: well-formedness and a flat list of elements. */

import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface SvgElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** All text inside the element, tspans included. */
  readonly text: string;
  /** `class` attributes of the enclosing elements, outermost first (e.g. ["graph"] or ["legend"]). */
  readonly within: readonly string[];
}

/** Throws with the validator's message when `svg` is not well-formed XML. */
export function assertWellFormed(svg: string): void {
  const result = XMLValidator.validate(svg);
  if (result !== true) throw new Error(`SVG is not well-formed: ${result.err.msg} (line ${result.err.line})`);
}

/** Every element of the document, depth first, with its attributes and text content. */
export function elements(svg: string): SvgElement[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, textNodeName: '#text', trimValues: false });
  const tree = parser.parse(svg) as unknown[];
  const out: SvgElement[] = [];
  const textOf = (nodes: unknown[]): string =>
    nodes
      .map((node) => {
        const record = node as Record<string, unknown>;
        if ('#text' in record) return String(record['#text']);
        const name = Object.keys(record).find((key) => key !== ':@');
        return name === undefined ? '' : textOf(record[name] as unknown[]);
      })
      .join('');
  const walk = (nodes: unknown[], within: string[]): void => {
    for (const node of nodes) {
      const record = node as Record<string, unknown>;
      const name = Object.keys(record).find((key) => key !== ':@' && key !== '#text');
      if (name === undefined) continue;
      const children = record[name] as unknown[];
      const attributes = (record[':@'] ?? {}) as Record<string, string>;
      out.push({ name, attributes, text: textOf(children), within });
      walk(children, attributes.class === undefined ? within : [...within, attributes.class]);
    }
  };
  walk(tree, []);
  return out;
}

/** Elements of the graph itself, without the title and legend. */
export function graphElements(svg: string): SvgElement[] {
  return elements(svg).filter((e) => e.within.includes('graph'));
}

/** Texts of all `<text>` elements. */
export function texts(svg: string): string[] {
  return elements(svg)
    .filter((e) => e.name === 'text')
    .map((e) => e.text);
}
