/** Hand-written ProgramIR for unit tests that must not depend on the compiler. */

import type { CaseIR, LockIR, LockUseIR, NodeIR, PatternIR, PredicateIR, ProgramIR, SourceIR } from '@flux/compiler/ir.ts';

const loc = { line: 1, column: 1 };
const params = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, type: 'unknown' }));

type LockSpec = readonly [name: string, mode: 'read' | 'write'];
interface NodeOptions {
  readonly locks?: readonly LockSpec[];
  readonly handler?: string;
}
/** A pattern: '_' or a predicate name, '!name' for negation. null = default case. */
type CaseSpec = { readonly pattern: readonly string[] | null; readonly chain: readonly string[] };

export class IRBuilder {
  private readonly program: string;
  private readonly locks: LockIR[] = [];
  private readonly predicates: PredicateIR[] = [];
  private readonly pending: { name: string; build: (id: number) => NodeIR }[] = [];
  private readonly sources: { node: string; target: string; session: string | null }[] = [];

  constructor(program = 'test') {
    this.program = program;
  }

  /** Declare locks in canonical (rank) order. */
  lock(name: string, scope: 'program' | 'session' = 'program'): this {
    this.locks.push({ name, scope });
    return this;
  }

  predicate(name: string, fn: string): this {
    this.predicates.push({ name, fn });
    return this;
  }

  concrete(name: string, inputs: number, outputs: number, options: NodeOptions = {}): this {
    this.pending.push({
      name,
      build: (id) => ({ id, kind: 'concrete', name, inputs: params(inputs), outputs: params(outputs), locks: this.uses(options.locks), handler: options.handler ?? null, loc }),
    });
    return this;
  }

  abstract(name: string, inputs: number, outputs: number, cases: readonly CaseSpec[], options: NodeOptions = {}): this {
    this.pending.push({
      name,
      build: (id) => ({
        id,
        kind: 'abstract',
        name,
        inputs: params(inputs),
        outputs: params(outputs),
        locks: this.uses(options.locks),
        handler: options.handler ?? null,
        loc,
        cases: cases.map((c): CaseIR => ({ pattern: c.pattern === null ? null : c.pattern.map((p) => this.pattern(p)), chain: c.chain.map((n) => this.id(n)), loc })),
      }),
    });
    return this;
  }

  source(node: string, target: string, session: string | null = null): this {
    this.sources.push({ node, target, session });
    return this;
  }

  build(): ProgramIR {
    const nodes = this.pending.map((p, id) => p.build(id));
    const sources: SourceIR[] = this.sources.map((s) => ({ node: this.id(s.node), target: this.id(s.target), session: s.session }));
    return { irVersion: 1, program: this.program, locks: this.locks, nodes, predicates: this.predicates, sources };
  }

  private id(name: string): number {
    const id = this.pending.findIndex((p) => p.name === name);
    if (id < 0) throw new Error(`no node ${name}`);
    return id;
  }

  private uses(specs: readonly LockSpec[] = []): LockUseIR[] {
    return specs
      .map(([name, mode]) => {
        const lock = this.locks.findIndex((l) => l.name === name);
        if (lock < 0) throw new Error(`no lock ${name}`);
        return { lock, mode, elevated: false };
      })
      .sort((a, b) => a.lock - b.lock);
  }

  private pattern(p: string): PatternIR {
    if (p === '_') return { kind: 'any' };
    const negate = p.startsWith('!');
    const name = negate ? p.slice(1) : p;
    const predicate = this.predicates.findIndex((q) => q.name === name);
    if (predicate < 0) throw new Error(`no predicate ${name}`);
    return { kind: 'predicate', predicate, negate };
  }
}
