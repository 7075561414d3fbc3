import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Implementation } from '../../src/api.ts';
import { FluxPlanError } from '../../src/errors.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { describePath, enumeratePaths } from '../../src/plan/paths.ts';
import { OP_ABSTRACT, OP_CALL, type Step } from '../../src/plan/plan.ts';
import { IRBuilder } from '../helpers/ir-builder.ts';

const pass = (...inputs: unknown[]) => inputs;

/** Src => Page; Page = Read -> Handler -> Write; Handler:[_, hit] = ; Handler:[_, !hit] = Load; Handler:[_, _] = Load -> Store */
function webLike() {
  return new IRBuilder('weblike')
    .lock('cache')
    .predicate('hit', 'IsHit')
    .concrete('Src', 0, 2)
    .concrete('Read', 2, 2, { handler: 'BadRequest' })
    .concrete('Load', 2, 2)
    .concrete('Store', 2, 2, { locks: [['cache', 'write']] })
    .concrete('Write', 2, 0)
    .abstract('Handler', 2, 2, [
      { pattern: ['_', 'hit'], chain: [] },
      { pattern: ['_', '!hit'], chain: ['Load'] },
      { pattern: null, chain: ['Load', 'Store'] },
    ])
    .abstract('Page', 2, 0, [{ pattern: null, chain: ['Read', 'Handler', 'Write'] }])
    .source('Src', 'Page')
    .build();
}

const webImpl: Implementation = {
  sources: { Src: () => {} },
  nodes: { Read: pass, Load: pass, Store: pass, Write: () => {} },
  predicates: { IsHit: (v: unknown) => v === true },
  handlers: { BadRequest: () => {} },
};

describe('plan: Ball-Larus path numbering', () => {
  it('numbers every path from source to exit once, in edge order', () => {
    const plan = buildPlan(webLike(), webImpl, { elideSyncLocks: true });
    const source = plan.sources[0]!;
    // Write: 2 (ok, error). Handler: case0 -> Write (2), case1 -> Load (3), case2 -> Load -> Store (4), error 1 => 10.
    // Read: 10 + 1 = 11. Page: 11 + 1 = 12.
    assert.equal(source.numPaths, 12);
    const paths = [...enumeratePaths(plan, 0)].map((p) => `${p.nodes.join(' ')} => ${p.ending.status === 'ok' ? 'ok' : `error at ${p.ending.node}`}`);
    assert.deepEqual(paths, [
      'Page Read Handler:[_, hit] Write => ok',
      'Page Read Handler:[_, hit] Write => error at Write',
      'Page Read Handler:[_, !hit] Load Write => ok',
      'Page Read Handler:[_, !hit] Load Write => error at Write',
      'Page Read Handler:[_, !hit] Load => error at Load',
      'Page Read Handler:default Load Store Write => ok',
      'Page Read Handler:default Load Store Write => error at Write',
      'Page Read Handler:default Load Store => error at Store',
      'Page Read Handler:default Load => error at Load',
      'Page Read Handler => error at Handler',
      'Page Read => error at Read',
      'Page => error at Page',
    ]);
  });

  it('gives each source its own range of global path ids', () => {
    const ir = new IRBuilder()
      .concrete('S1', 0, 1)
      .concrete('S2', 0, 1)
      .concrete('A', 1, 1)
      .concrete('B', 1, 1)
      .source('S1', 'A')
      .source('S2', 'B')
      .build();
    const plan = buildPlan(ir, { sources: { S1: () => {}, S2: () => {} }, nodes: { A: pass, B: pass } }, { elideSyncLocks: false });
    assert.deepEqual(plan.sources.map((s) => [s.name, s.pathBase, s.numPaths]), [['S1', 0, 2], ['S2', 2, 2]]);
    assert.equal(plan.numPaths, 4);
    assert.deepEqual(describePath(plan, 1, 1), { source: 'S2', number: 1, nodes: ['B'], ending: { status: 'error', node: 'B' } });
    assert.throws(() => describePath(plan, 1, 2), RangeError);
  });

  it('lists edges between node names, with (end) and (error)', () => {
    const plan = buildPlan(webLike(), webImpl, { elideSyncLocks: true });
    const edges = plan.edges.map((e) => `${e.from}->${e.to}`).sort();
    assert.deepEqual(edges, [
      'Handler->(error)',
      'Handler->Load',
      'Handler->Write',
      'Load->(error)',
      'Load->Store',
      'Load->Write',
      'Page->(error)',
      'Page->Read',
      'Read->(error)',
      'Read->Handler',
      'Src->Page',
      'Store->(error)',
      'Store->Write',
      'Write->(end)',
      'Write->(error)',
    ]);
  });
});

describe('plan: resolution and checks', () => {
  it('collects every missing function with a stable code', () => {
    const err = (() => {
      try {
        buildPlan(webLike(), { sources: {}, nodes: { Read: pass } }, { elideSyncLocks: true });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof FluxPlanError);
    assert.equal(err.code, 'FLUX_ERR_MISSING_SOURCE'); // the first one found
    assert.deepEqual(
      err.problems.map((p) => p.code).sort(),
      [
        'FLUX_ERR_MISSING_HANDLER',
        'FLUX_ERR_MISSING_NODE',
        'FLUX_ERR_MISSING_NODE',
        'FLUX_ERR_MISSING_NODE',
        'FLUX_ERR_MISSING_PREDICATE',
        'FLUX_ERR_MISSING_SOURCE',
      ],
    );
    assert.match(err.message, /Load/);
  });

  it('rejects an IR version it does not know', () => {
    const ir = { ...webLike(), irVersion: 2 } as unknown as ReturnType<typeof webLike>;
    assert.throws(() => buildPlan(ir, webImpl, { elideSyncLocks: true }), { code: 'FLUX_ERR_IR_VERSION' });
  });

  it('rejects a session-scoped lock on a source without a session function', () => {
    const ir = new IRBuilder().lock('s', 'session').concrete('S', 0, 1).concrete('A', 1, 1, { locks: [['s', 'write']] }).source('S', 'A').build();
    assert.throws(() => buildPlan(ir, { sources: { S: () => {} }, nodes: { A: pass } }, { elideSyncLocks: false }), { code: 'FLUX_ERR_NO_SESSION' });
  });

  it('rejects a write lock inside an abstract node that holds it for reading', () => {
    const ir = new IRBuilder()
      .lock('m')
      .concrete('S', 0, 1)
      .concrete('A', 1, 1, { locks: [['m', 'write']] })
      .abstract('Outer', 1, 1, [{ pattern: null, chain: ['A'] }], { locks: [['m', 'read']] })
      .source('S', 'Outer')
      .build();
    assert.throws(() => buildPlan(ir, { sources: { S: () => {} }, nodes: { A: pass } }, { elideSyncLocks: false }), { code: 'FLUX_ERR_LOCK_UPGRADE' });
  });

  it('rejects a lock taken out of canonical order under an atomic abstract node', () => {
    const ir = new IRBuilder()
      .lock('a')
      .lock('b')
      .concrete('S', 0, 1)
      .concrete('A', 1, 1, { locks: [['a', 'write']] })
      .abstract('Outer', 1, 1, [{ pattern: null, chain: ['A'] }], { locks: [['b', 'write']] })
      .source('S', 'Outer')
      .build();
    assert.throws(() => buildPlan(ir, { sources: { S: () => {} }, nodes: { A: pass } }, { elideSyncLocks: false }), { code: 'FLUX_ERR_LOCK_ORDER' });
  });

  it('rejects a cycle through abstract nodes', () => {
    const ir = new IRBuilder()
      .concrete('S', 0, 1)
      .abstract('Loop', 1, 1, [{ pattern: null, chain: ['Loop'] }])
      .source('S', 'Loop')
      .build();
    assert.throws(() => buildPlan(ir, { sources: { S: () => {} }, nodes: {} }, { elideSyncLocks: false }), { code: 'FLUX_ERR_IR_INVALID' });
  });
});

describe('plan: locks per occurrence', () => {
  const ir = new IRBuilder()
    .lock('m')
    .lock('sync')
    .lock('async')
    .concrete('S', 0, 1)
    .concrete('Peek', 1, 1, { locks: [['m', 'read']] })
    .concrete('Poke', 1, 1, { locks: [['m', 'write'], ['sync', 'write']] })
    .concrete('Wait', 1, 1, { locks: [['async', 'write']] })
    .concrete('Alone', 1, 1, { locks: [['m', 'read']] })
    .abstract('Outer', 1, 1, [{ pattern: null, chain: ['Peek', 'Poke', 'Wait'] }], { locks: [['m', 'write']] })
    .abstract('Top', 1, 1, [{ pattern: null, chain: ['Outer', 'Alone'] }])
    .source('S', 'Top')
    .build();
  const impl: Implementation = { sources: { S: () => {} }, nodes: { Peek: pass, Poke: pass, Wait: async (x: unknown) => [x], Alone: pass } };

  const steps = (plan: ReturnType<typeof buildPlan>): Map<string, Step> => {
    const found = new Map<string, Step>();
    const visit = (s: Step | null): void => {
      if (s === null || found.has(s.node.name + s.op)) return;
      if (s.op === OP_CALL || s.op === OP_ABSTRACT) found.set(s.node.name, s);
      if (s.op === OP_ABSTRACT) for (const c of s.cases) visit(c.first);
      else visit(s.next);
    };
    visit(plan.sources[0]!.entry);
    return found;
  };
  const names = (plan: ReturnType<typeof buildPlan>, uses: Step['acquire']) => (uses ?? []).map((u) => `${plan.locks[u.lock]!.name}:${u.mode}`);

  it('elides locks used only by synchronous concrete nodes, under event only', () => {
    assert.deepEqual(buildPlan(ir, impl, { elideSyncLocks: true }).elided, [false, true, false]);
    assert.deepEqual(buildPlan(ir, impl, { elideSyncLocks: false }).elided, [false, false, false]);
  });

  it('does not take again a lock the enclosing abstract node holds; releases it on failure', () => {
    const plan = buildPlan(ir, impl, { elideSyncLocks: false });
    const s = steps(plan);
    assert.deepEqual(names(plan, s.get('Outer')!.acquire), ['m:write']);
    assert.equal(s.get('Peek')!.acquire, null);
    assert.deepEqual(names(plan, s.get('Poke')!.acquire), ['sync:write']);
    assert.deepEqual(names(plan, s.get('Poke')!.outer), ['m:write']);
    assert.deepEqual(names(plan, s.get('Alone')!.acquire), ['m:read']);
    assert.equal(s.get('Alone')!.outer, null);
  });

  it('marks a node whose locks were elided, so a promise from it is an error', () => {
    const s = steps(buildPlan(ir, impl, { elideSyncLocks: true }));
    assert.equal(s.get('Poke')!.acquire, null);
    assert.equal(s.get('Poke')!.elided, true);
    assert.equal(s.get('Wait')!.elided, false);
  });
});
