/**
 * The heat option of the graph picture (`flux profile --svg`): fills, edge widths and counts, lock colours,
 * and a golden file of the whole picture (`UPDATE_GOLDEN=1 node --test packages/compiler/test/graph/heat.test.ts`
 * rewrites it).
 */

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyHeat, buildGraphModel, formatCount, heatColor, renderGraphSvg, type GraphHeat } from '../../src/graph/index.ts';
import { imageServer, webServer } from './fixtures.ts';
import { assertWellFormed, graphElements, texts } from './svg-check.ts';

const golden = new URL('./web-heat.golden.svg', import.meta.url);

/** A web-server profile: most flows hit (Reply), a tenth miss the cache and read the file, a few fail. */
const webHeat: GraphHeat = {
  caption: 'web under event: fill = share of node CPU, edges = flows, red locks = share of lock wait',
  nodes: {
    ReadRequest: { share: 0.2, label: '20% CPU · 4.0 µs' },
    ReadWrite: { share: 0.7, label: '70% CPU · 31 µs', detail: 'the hottest' },
    Reply: { share: 0.1, label: '10% CPU · 2.0 µs' },
  },
  traffic: {
    Page: { entered: 10_000, ok: 9_900, failed: 0 },
    ReadRequest: { entered: 10_000, ok: 9_990, failed: 10 },
    ReadWrite: { entered: 9_990, ok: 9_900, failed: 90 },
    Reply: { entered: 9_900, ok: 9_900, failed: 0 },
  },
  locks: {},
};

describe('graph heat', () => {
  it('maps node shares, edge traffic and lock waits onto the model', () => {
    const model = applyHeat(buildGraphModel(imageServer), imageServer, {
      caption: 'c',
      nodes: { ReadInFromDisk: { share: 0.5, label: '50%' } },
      traffic: { ReadInFromDisk: { entered: 40, ok: 30, failed: 10 } },
      locks: { [imageServer.locks[0]!.name]: { share: 1, label: 'all the wait' } },
    });
    assert.equal(model.subtitle, 'c');
    const find = (items: typeof model.items, name: string): (typeof model.items)[number] | undefined => {
      for (const i of items) {
        if (i.name === name) return i;
        if (i.kind === 'cluster') {
          const f = find(i.children, name);
          if (f !== undefined) return f;
        }
      }
      return undefined;
    };
    const node = find(model.items, 'ReadInFromDisk')!;
    assert.deepEqual(node.heat, { share: 0.5, label: '50%' });
    const into = model.edges.find((e) => e.to === node.id && e.kind !== 'error')!;
    assert.equal(into.heat?.count, 40);
    const error = model.edges.find((e) => e.from === node.id && e.kind === 'error')!;
    assert.equal(error.heat?.count, 10);
    assert.match(error.label ?? '', /10$/);
    const locked = JSON.stringify(model.items).includes('"label":"all the wait"');
    assert.ok(locked, 'the lock chips carry their heat');
  });

  it('draws fills by share (hottest red), edges wider with traffic, counts as labels', async () => {
    const svg = await renderGraphSvg(webServer, { title: 'web: profile', heat: webHeat });
    assertWellFormed(svg);
    const all = texts(svg);
    assert.ok(all.includes('70% CPU · 31 µs'));
    assert.ok(all.some((t) => t.includes('9.9k')), 'edge counts');
    const rects = graphElements(svg).filter((e) => e.name === 'rect');
    assert.ok(rects.some((r) => r.attributes.fill === heatColor(1)), 'the hottest node is red');
    const widths = graphElements(svg)
      .filter((e) => e.name === 'path' && e.attributes['marker-end']?.includes('-heat') === true)
      .map((e) => Number(e.attributes['stroke-width']));
    assert.ok(widths.length > 0);
    assert.ok(Math.max(...widths) > Math.min(...widths), 'busier edges are wider');
  });

  it('leaves the picture without heat unchanged', async () => {
    const plain = await renderGraphSvg(webServer);
    assert.ok(!plain.includes('-heat'));
    assert.ok(!plain.includes('share of time'));
  });

  it('formats counts and ramps colours', () => {
    assert.deepEqual([0, 999, 1234, 9990, 56_789, 2_500_000].map(formatCount), ['0', '999', '1.2k', '10k', '57k', '2.5M']);
    assert.equal(heatColor(0), '#ffffff');
    assert.equal(heatColor(1), '#d73027');
    assert.equal(heatColor(2), '#d73027');
  });

  it('matches the golden picture', async () => {
    const svg = await renderGraphSvg(webServer, { title: 'web: profile', heat: webHeat });
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, svg);
    assert.equal(svg, readFileSync(golden, 'utf8'));
  });
});
