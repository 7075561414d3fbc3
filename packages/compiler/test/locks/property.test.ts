import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compile } from '../../src/index.ts';
import type { LockUseIR, NodeIR, ProgramIR } from '../../src/ir.ts';

/**
 * Random programs through the whole compiler, then a simulation of the runtime on every path of the
 * resulting IR: a concrete node takes its whole set at once in order, an abstract node holds its set
 * across its flow, a lock already held in the same or a stronger mode is skipped. The schedule must never
 * take a lock ranked below one it holds, nor take a held lock again (e.g. to upgrade a read lock).
 */

interface RandomNode {
  readonly locks: readonly { readonly name: string; readonly mode: 'read' | 'write' }[];
  /** Chains of node indices, each greater than this node's; empty for a concrete node. */
  readonly cases: readonly (readonly number[])[];
}

interface RandomProgram {
  readonly scopes: Readonly<Record<string, 'program' | 'session'>>;
  readonly nodes: readonly RandomNode[];
}

const LOCK_NAMES = ['a', 'b', 'c', 'd'];

const programArbitrary: fc.Arbitrary<RandomProgram> = fc
  .record({
    scopes: fc.record(Object.fromEntries(LOCK_NAMES.map((n) => [n, fc.constantFrom('program' as const, 'session' as const)]))),
    count: fc.integer({ min: 1, max: 8 }),
    seed: fc.array(
      fc.record({
        locks: fc.uniqueArray(fc.record({ name: fc.constantFrom(...LOCK_NAMES), mode: fc.constantFrom('read' as const, 'write' as const) }), {
          maxLength: 3,
          selector: (l) => l.name,
        }),
        abstract: fc.boolean(),
        cases: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 8, maxLength: 8 },
    ),
  })
  .map(({ scopes, count, seed }) => ({
    scopes,
    nodes: seed.slice(0, count).map((node, index) => {
      const later = count - index - 1;
      const cases = node.abstract && later > 0 ? node.cases.map((chain) => chain.map((n) => index + 1 + (n % later))) : [];
      return { locks: node.locks, cases };
    }),
  }));

function toFlux(program: RandomProgram): string {
  const lines = ['Src () => (n: number);', 'source Src {session: Key} => N0;', 'typedef p P;'];
  program.nodes.forEach((node, index) => {
    lines.push(`N${index} (n: number) => (n: number);`);
    node.cases.forEach((chain, caseIndex) => {
      const pattern = caseIndex === node.cases.length - 1 ? '[_]' : '[p]';
      lines.push(`N${index}:${pattern} = ${chain.map((c) => `N${c}`).join(' -> ')};`);
    });
    if (node.locks.length > 0) {
      const locks = node.locks.map((l) => `${l.name}${l.mode === 'read' ? '?' : '!'}(${program.scopes[l.name]})`);
      lines.push(`atomic N${index}:{${locks.join(', ')}};`);
    }
  });
  return lines.join('\n') + '\n';
}

/** Walks every path from `node` with `held` (rank -> mode) and throws on a bad acquisition. */
function simulate(ir: ProgramIR, node: NodeIR, held: ReadonlyMap<number, 'read' | 'write'>, path: readonly string[]): void {
  const here = [...path, node.name];
  const highest = Math.max(-1, ...held.keys());
  const taking = node.locks.filter((use) => {
    const mode = held.get(use.lock);
    return !(mode === 'write' || (mode === 'read' && use.mode === 'read'));
  });
  let previous = -1;
  for (const use of taking) {
    const name = ir.locks[use.lock].name;
    assert.ok(!held.has(use.lock), `${here.join(' > ')} takes '${name}' again while holding it for reading`);
    assert.ok(use.lock > highest, `${here.join(' > ')} takes '${name}' below a lock it holds`);
    assert.ok(use.lock > previous, `${here.join(' > ')} takes its locks out of order`);
    previous = use.lock;
  }
  if (node.kind === 'concrete') return;
  const inner = new Map(held);
  for (const use of taking) inner.set(use.lock, use.mode);
  for (const flowCase of node.cases) for (const child of flowCase.chain) simulate(ir, ir.nodes[child], inner, here);
}

test('property: the final lock schedule never takes a lock below one it holds, nor a held lock again', () => {
  fc.assert(
    fc.property(programArbitrary, (program) => {
      const text = toFlux(program);
      const result = compile(text, 'random.flux');
      const errors = result.diagnostics.filter((d) => d.category === 'error');
      assert.deepEqual(errors, [], text);
      const ir = result.ir;
      assert.ok(ir);
      const referenced = new Set(ir.nodes.flatMap((n) => (n.kind === 'abstract' ? n.cases.flatMap((c) => c.chain) : [])));
      const roots = ir.nodes.filter((n) => !referenced.has(n.id) || ir.sources.some((s) => s.target === n.id));
      for (const root of roots) simulate(ir, root, new Map(), []);
    }),
    { numRuns: Number(process.env.FLUX_PROPERTY_RUNS ?? 300) },
  );
});

test('property: elevation only adds locks or raises modes; it never drops a declared lock', () => {
  fc.assert(
    fc.property(programArbitrary, (program) => {
      const { ir } = compile(toFlux(program), 'random.flux');
      assert.ok(ir);
      program.nodes.forEach((node, index) => {
        const final = ir.nodes.find((n) => n.name === `N${index}`);
        for (const lock of node.locks) {
          const use: LockUseIR | undefined = final?.locks.find((u) => ir.locks[u.lock].name === lock.name);
          assert.ok(use, `N${index} lost '${lock.name}'`);
          if (lock.mode === 'write') assert.equal(use.mode, 'write');
        }
      });
    }),
    { numRuns: 100 },
  );
});
