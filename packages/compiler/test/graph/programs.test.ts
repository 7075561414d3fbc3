import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderGraphSvg } from '../../src/graph/index.ts';
import { compile } from '../../src/index.ts';
import { assertWellFormed, graphElements } from './svg-check.ts';

const programsDir = join(import.meta.dirname, '..', 'programs');

describe('renderGraphSvg on compiled programs', () => {
  it('draws every node and handler of each program in test/programs that compiles', async () => {
    const files = readdirSync(programsDir).filter((f) => f.endsWith('.flux')).sort();
    let rendered = 0;
    for (const file of files) {
      const result = compile(readFileSync(join(programsDir, file), 'utf8'), file);
      if (result.ir === undefined) continue;
      const svg = await renderGraphSvg(result.ir);
      assertWellFormed(svg);
      const texts = graphElements(svg)
        .filter((e) => e.name === 'text')
        .map((e) => e.text.replace(/^source /, ''));
      for (const node of result.ir.nodes) assert.ok(texts.includes(node.name), `${file}: node ${node.name} not drawn`);
      for (const node of result.ir.nodes) {
        if (node.handler !== null) assert.ok(texts.includes(node.handler), `${file}: handler ${node.handler} not drawn`);
      }
      assert.equal(await renderGraphSvg(result.ir), svg, `${file}: rendering is deterministic`);
      rendered++;
    }
    assert.ok(rendered > 0, 'no program in test/programs compiled');
  });
});
