import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphRenderError, buildGraphModel, type GraphItem, type GraphModel } from '../../src/graph/index.ts';
import type { ProgramIR } from '../../src/ir.ts';
import { imageServer, sharedNodes, webServer } from './fixtures.ts';

/** Path of cluster names from the top level down to the item named `name` (its own name excluded). */
function containerPath(model: GraphModel, name: string): string[] | undefined {
  const search = (items: readonly GraphItem[], path: string[]): string[] | undefined => {
    for (const item of items) {
      if (item.name === name) return path;
      if (item.kind === 'cluster') {
        const found = search(item.children, [...path, item.name]);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return search(model.items, []);
}

function idOf(model: GraphModel, name: string): string {
  const search = (items: readonly GraphItem[]): string | undefined => {
    for (const item of items) {
      if (item.name === name) return item.id;
      if (item.kind === 'cluster') {
        const found = search(item.children);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  const id = search(model.items);
  assert.ok(id !== undefined, `no item named ${name}`);
  return id;
}

describe('graph model', () => {
  it('puts a flow inside its abstract node and chains it from entry to exit', () => {
    const model = buildGraphModel(webServer);
    assert.deepEqual(containerPath(model, 'ReadRequest'), ['Page']);
    assert.deepEqual(containerPath(model, 'Listen'), []);
    assert.deepEqual(containerPath(model, 'Page'), []);
    const flow = model.edges.filter((e) => e.kind === 'flow').map((e) => `${e.from}->${e.to}`);
    assert.deepEqual(flow, ['c0:in->n1', 'n1->n2', 'n2->n3', 'n3->c0:out']);
    const source = model.edges.filter((e) => e.kind === 'source');
    assert.deepEqual(source.map((e) => [e.from, e.to, e.label]), [['n4', 'c0:in', null]]);
  });

  it('gives each node one error edge to a single box per handler', () => {
    const model = buildGraphModel(imageServer);
    const errors = model.edges.filter((e) => e.kind === 'error');
    const fourOhFor = idOf(model, 'FourOhFor');
    assert.deepEqual(
      errors.map((e) => [e.from, e.to]),
      [
        [idOf(model, 'ReadRequest'), idOf(model, 'BadRequest')],
        [idOf(model, 'ReadInFromDisk'), fourOhFor],
        [idOf(model, 'Refresh'), fourOhFor],
      ],
    );
    // Both users of FourOhFor live in Handler, so the handler does too.
    assert.deepEqual(containerPath(model, 'FourOhFor'), ['Page', 'Handler']);
    assert.deepEqual(containerPath(model, 'BadRequest'), ['Page']);
  });

  it('labels each dispatch branch with its case number and pattern, empty flows as pass-through', () => {
    const model = buildGraphModel(imageServer);
    const branches = model.edges.filter((e) => e.kind === 'branch' || e.kind === 'passthrough').map((e) => [e.kind, e.label, e.to]);
    assert.deepEqual(branches, [
      ['passthrough', '1: [_, _, hit]', 'c3:out'],
      ['branch', '2: [_, _, !miss]', idOf(model, 'Refresh')],
      ['branch', '3: else', idOf(model, 'ReadInFromDisk')],
    ]);
  });

  it('writes lock sets as in the language and marks elevated locks', () => {
    const model = buildGraphModel(imageServer);
    const page = model.items.find((i) => i.name === 'Page');
    assert.ok(page?.kind === 'cluster');
    assert.deepEqual(page.locks, [{ text: '↑stats!(session)', elevated: true }]);
    const handler = page.children.find((i) => i.name === 'Handler');
    assert.ok(handler?.kind === 'cluster' && handler.dispatch);
    const checkCache = page.children.find((i) => i.name === 'CheckCache');
    assert.deepEqual(checkCache?.locks, [{ text: 'cache?', elevated: false }]);
  });

  it('places a node used by several flows in the innermost cluster holding all its uses', () => {
    const model = buildGraphModel(sharedNodes);
    assert.deepEqual(containerPath(model, 'Log'), []);
    assert.deepEqual(containerPath(model, 'Parse'), ['Message', 'Handle']);
    assert.deepEqual(containerPath(model, 'Wait'), ['Tick']);
    // Log appears once; each use is an edge.
    const log = idOf(model, 'Log');
    const intoLog = model.edges.filter((e) => e.to === log).map((e) => e.from);
    assert.deepEqual(intoLog, ['c3:out', idOf(model, 'SendBoard')]);
    const tick = model.items.find((i) => i.name === 'Tick');
    assert.ok(tick?.kind === 'cluster' && tick.source);
  });

  it('orders a cluster in reading order: entry, first case first, exit', () => {
    const model = buildGraphModel(imageServer);
    const page = model.items.find((i) => i.name === 'Page');
    assert.ok(page?.kind === 'cluster');
    const handler = page.children.find((i) => i.name === 'Handler');
    assert.ok(handler?.kind === 'cluster');
    assert.deepEqual(
      handler.children.map((c) => (c.kind === 'leaf' && c.name === '' ? c.shape : c.name)),
      ['dispatch', 'Refresh', 'ReadInFromDisk', 'Compress', 'StoreInCache', 'FourOhFor', 'exit'],
    );
  });

  it('rejects IR with dangling indices or cycles with a stable code', () => {
    const dangling: ProgramIR = { ...webServer, sources: [{ node: 4, target: 99, session: null }] };
    assert.throws(() => buildGraphModel(dangling), (e: unknown) => e instanceof GraphRenderError && e.code === 'FLUX_GRAPH_BAD_IR');
    const page = webServer.nodes[0];
    assert.ok(page.kind === 'abstract');
    const cyclic: ProgramIR = { ...webServer, nodes: [{ ...page, cases: [{ ...page.cases[0], chain: [1, 0] }] }, ...webServer.nodes.slice(1)] };
    assert.throws(() => buildGraphModel(cyclic), (e: unknown) => e instanceof GraphRenderError && /cycle/.test(e.message));
  });
});
