import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderGraphSvg } from '../../src/graph/index.ts';
import type { ProgramIR } from '../../src/ir.ts';
import { deadlockTest, imageServer, peer, sharedNodes, webServer } from './fixtures.ts';
import { assertWellFormed, elements, graphElements, texts } from './svg-check.ts';

const ERROR_RED = '#cf222e';
const ELEVATED = '#8250df';

describe('renderGraphSvg', () => {
  it('draws the web server: every node, the source, both handlers on dashed red edges', async () => {
    const svg = await renderGraphSvg(webServer);
    assertWellFormed(svg);
    const all = texts(svg);
    for (const name of ['Listen', 'Page', 'ReadRequest', 'ReadWrite', 'Reply', 'FourOhFor', 'BadRequest']) {
      assert.ok(all.includes(name), `missing ${name}`);
    }
    const paths = graphElements(svg).filter((e) => e.name === 'path');
    const errorEdges = paths.filter((p) => p.attributes.stroke === ERROR_RED && p.attributes['stroke-dasharray'] !== undefined);
    assert.equal(errorEdges.length, 2);
    for (const edge of errorEdges) assert.match(edge.attributes['marker-end'], /^url\(#flux-web-arrow-error\)$/);
    // Every edge is drawn: 1 source + 4 flow steps + 2 errors.
    const edgePaths = paths.filter((p) => p.attributes['marker-end'] !== undefined);
    assert.equal(edgePaths.length, 7);
    const sourceEdges = edgePaths.filter((p) => p.attributes['marker-end'] === 'url(#flux-web-arrow-source)');
    assert.equal(sourceEdges.length, 1);
    // The source has its own shape (a pentagon path), unlike the rectangles of concrete nodes.
    const sourceShapes = paths.filter((p) => p.attributes.fill === '#dafbe1');
    assert.equal(sourceShapes.length, 1);
  });

  it('has a root svg with a viewBox matching its size, a title and a legend', async () => {
    const svg = await renderGraphSvg(webServer);
    const root = elements(svg)[0];
    assert.equal(root.name, 'svg');
    assert.equal(root.attributes.xmlns, 'http://www.w3.org/2000/svg');
    assert.equal(root.attributes.viewBox, `0 0 ${root.attributes.width} ${root.attributes.height}`);
    assert.ok(Number(root.attributes.width) > 200 && Number(root.attributes.height) > 100);
    assert.ok(texts(svg).includes('Legend'));
    assert.ok(texts(svg).includes('web'));
    for (const e of elements(svg)) {
      for (const [key, value] of Object.entries(e.attributes)) {
        assert.doesNotMatch(value, /NaN|undefined|Infinity/, `${e.name} ${key}="${value}"`);
        assert.ok(!/^(href|xlink:href|src)$/.test(key), 'no external references');
      }
      assert.notEqual(e.name, 'script');
    }
  });

  it('draws the image server: labelled branches, a pass-through, lock sets and the elevated lock', async () => {
    const svg = await renderGraphSvg(imageServer);
    assertWellFormed(svg);
    const all = texts(svg);
    for (const name of ['Page', 'ReadRequest', 'CheckCache', 'Handler', 'Write', 'Complete', 'ReadInFromDisk', 'Compress', 'StoreInCache', 'Refresh']) {
      assert.ok(all.includes(name), `missing ${name}`);
    }
    for (const label of ['1: [_, _, hit]', '2: [_, _, !miss]', '3: else', 'session: SessionId']) assert.ok(all.includes(label), `missing label ${label}`);
    assert.ok(all.includes('{cache?}'));
    assert.ok(all.includes('{cache!}'));
    assert.ok(all.includes('{↑stats!(session)}'));
    const elevated = graphElements(svg).filter((e) => e.name === 'tspan' && e.text.startsWith('↑'));
    assert.ok(elevated.length >= 1);
    for (const chip of elevated) {
      assert.equal(chip.attributes.fill, ELEVATED);
      assert.equal(chip.attributes['font-weight'], 'bold');
    }
    const passthrough = graphElements(svg).filter((e) => e.name === 'path' && e.attributes['stroke-dasharray'] === '1.5 3');
    assert.equal(passthrough.length, 1);
    const diamonds = graphElements(svg).filter((e) => e.name === 'path' && e.attributes.fill === '#fff1cc');
    assert.equal(diamonds.length, 1);
    const branchLabels = graphElements(svg).filter((e) => e.name === 'text' && /^\d: /.test(e.text));
    assert.equal(branchLabels.length, 3);
  });

  it('draws shared nodes once and an abstract source', async () => {
    const svg = await renderGraphSvg(sharedNodes);
    assertWellFormed(svg);
    const all = texts(svg);
    assert.equal(all.filter((t) => t === 'Log').length, 1);
    assert.equal(all.filter((t) => t === 'Parse').length, 1);
    assert.ok(all.includes('source Tick'));
  });

  it('marks every elevated lock of the 2006 deadlock test', async () => {
    const svg = await renderGraphSvg(deadlockTest);
    assertWellFormed(svg);
    const all = texts(svg);
    assert.ok(all.includes('{↑x!, ↑y!, z!}'), 'D holds x and y by elevation');
    assert.ok(all.includes('{↑x!, y!}'), 'F holds x by elevation');
    assert.ok(all.includes('{x!}'));
    const arrows = graphElements(svg).filter((e) => e.name === 'tspan' && e.text === '↑');
    assert.equal(arrows.length, 3);
  });

  it('draws a nine-way dispatch with every case labelled, in order', async () => {
    const svg = await renderGraphSvg(peer);
    assertWellFormed(svg);
    const labels = graphElements(svg)
      .filter((e) => e.name === 'text' && /^\d+: /.test(e.text))
      .map((e) => ({ text: e.text, y: Number(e.attributes.y) }));
    const cases = ['choke', 'unchoke', 'interested', 'uninterested', 'request', 'cancel', 'piece', 'bitfield', 'have'].map((k, i) => `${i + 1}: [_, ${k}, _]`);
    for (const label of [...cases, '10: else', '1: [_, _, piececomplete]', '2: else']) {
      assert.ok(labels.some((l) => l.text === label), `missing ${label}`);
    }
    // First match wins, so the cases are stacked top to bottom in source order.
    const ys = cases.map((label) => labels.find((l) => l.text === label)!.y);
    assert.deepEqual(ys, [...ys].sort((a, b) => a - b));
    const sources = graphElements(svg).filter((e) => e.name === 'path' && e.attributes.fill === '#dafbe1');
    assert.equal(sources.length, 5);
  });

  it('is deterministic', async () => {
    for (const ir of [webServer, imageServer, sharedNodes, deadlockTest, peer]) {
      const first = await renderGraphSvg(ir);
      const second = await renderGraphSvg(ir);
      assert.equal(first, second);
    }
  });

  it('gives the same pictures when several renders run at once', async () => {
    const programs = [webServer, imageServer, sharedNodes, deadlockTest, peer];
    const oneByOne: string[] = [];
    for (const ir of programs) oneByOne.push(await renderGraphSvg(ir));
    assert.deepEqual(await Promise.all(programs.map((ir) => renderGraphSvg(ir))), oneByOne);
  });

  it('escapes text and uses the title option', async () => {
    const tricky: ProgramIR = {
      ...webServer,
      program: 'a<b>&"c\'',
      nodes: webServer.nodes.map((n) => (n.name === 'Reply' ? { ...n, name: 'Reply<&>' } : n)),
    };
    const svg = await renderGraphSvg(tricky, { title: 'Web <server> & "friends"' });
    assertWellFormed(svg);
    assert.ok(svg.includes('Web &lt;server&gt; &amp; &quot;friends&quot;'));
    assert.ok(texts(svg).includes('Reply<&>'));
    assert.ok(texts(svg).includes('Web <server> & "friends"'));
    // Marker ids stay valid XML names whatever the program is called.
    const ids = elements(svg).flatMap((e) => (e.attributes.id === undefined ? [] : [e.attributes.id]));
    for (const id of ids) assert.match(id, /^[A-Za-z][A-Za-z0-9_-]*$/);
  });

  it('renders an empty program', async () => {
    const svg = await renderGraphSvg({ irVersion: 1, program: 'empty', locks: [], nodes: [], predicates: [], sources: [] });
    assertWellFormed(svg);
    assert.ok(texts(svg).includes('Legend'));
  });
});
