/** Hand-built IR for the graph tests: the 2006 web server, an image server with dispatch and locks. */

import type { AbstractNodeIR, CaseIR, ConcreteNodeIR, LockUseIR, ParamIR, PatternIR, ProgramIR } from '../../src/ir.ts';

const at = { line: 1, column: 1 };

function params(spec: string): ParamIR[] {
  return spec === '' ? [] : spec.split(',').map((part) => {
    const [name, type] = part.trim().split(':').map((s) => s.trim());
    return { name, type };
  });
}

function concrete(id: number, name: string, inputs: string, outputs: string, extra: { locks?: LockUseIR[]; handler?: string } = {}): ConcreteNodeIR {
  return { kind: 'concrete', id, name, inputs: params(inputs), outputs: params(outputs), locks: extra.locks ?? [], handler: extra.handler ?? null, loc: at };
}

function abstract(
  id: number,
  name: string,
  inputs: string,
  outputs: string,
  cases: CaseIR[],
  extra: { locks?: LockUseIR[]; handler?: string } = {},
): AbstractNodeIR {
  return { kind: 'abstract', id, name, inputs: params(inputs), outputs: params(outputs), cases, locks: extra.locks ?? [], handler: extra.handler ?? null, loc: at };
}

function flow(chain: number[], pattern: PatternIR[] | null = null): CaseIR {
  return { pattern, chain, loc: at };
}

const any: PatternIR = { kind: 'any' };
const pred = (predicate: number, negate = false): PatternIR => ({ kind: 'predicate', predicate, negate });

/** source Listen => Page; Page = ReadRequest -> ReadWrite -> Reply; two handlers. */
export const webServer: ProgramIR = {
  irVersion: 1,
  program: 'web',
  locks: [],
  predicates: [],
  nodes: [
    abstract(0, 'Page', 'socket: Socket', '', [flow([1, 2, 3])]),
    concrete(1, 'ReadRequest', 'socket: Socket', 'socket: Socket, close: boolean, request: string', { handler: 'BadRequest' }),
    concrete(2, 'ReadWrite', 'socket: Socket, close: boolean, file: string', 'socket: Socket, close: boolean, length: number, content: Buffer, output: string', {
      handler: 'FourOhFor',
    }),
    concrete(3, 'Reply', 'socket: Socket, close: boolean, length: number, content: Buffer, output: string', ''),
    concrete(4, 'Listen', '', 'socket: Socket'),
  ],
  sources: [{ node: 4, target: 0, session: null }],
};

/**
 * Image server: Page = ReadRequest -> CheckCache -> Handler -> Write -> Complete; Handler dispatches on
 * its third input (hit: pass through; !miss: Refresh; else read, compress, store). Locks on `cache`, one
 * session lock `stats` elevated into Page.
 */
export const imageServer: ProgramIR = {
  irVersion: 1,
  program: 'image',
  locks: [
    { name: 'cache', scope: 'program' },
    { name: 'stats', scope: 'session' },
  ],
  predicates: [
    { name: 'hit', fn: 'TestInCache' },
    { name: 'miss', fn: 'TestMissing' },
  ],
  nodes: [
    abstract(0, 'Page', 'socket: Socket', '', [flow([1, 2, 3, 4, 5])], { locks: [{ lock: 1, mode: 'write', elevated: true }] }),
    concrete(1, 'ReadRequest', 'socket: Socket', 'socket: Socket, close: boolean, file: string', { handler: 'BadRequest' }),
    concrete(2, 'CheckCache', 'socket: Socket, close: boolean, file: string', 'socket: Socket, close: boolean, entry: Entry', {
      locks: [{ lock: 0, mode: 'read', elevated: false }],
    }),
    abstract(3, 'Handler', 'socket: Socket, close: boolean, entry: Entry', 'socket: Socket, close: boolean, entry: Entry', [
      flow([], [any, any, pred(0)]),
      flow([9], [any, any, pred(1, true)]),
      flow([6, 7, 8]),
    ]),
    concrete(4, 'Write', 'socket: Socket, close: boolean, entry: Entry', 'socket: Socket, close: boolean, entry: Entry', {
      locks: [{ lock: 1, mode: 'write', elevated: false }],
    }),
    concrete(5, 'Complete', 'socket: Socket, close: boolean, entry: Entry', '', { locks: [{ lock: 0, mode: 'write', elevated: false }] }),
    concrete(6, 'ReadInFromDisk', 'socket: Socket, close: boolean, entry: Entry', 'socket: Socket, close: boolean, entry: Entry', {
      handler: 'FourOhFor',
    }),
    concrete(7, 'Compress', 'socket: Socket, close: boolean, entry: Entry', 'socket: Socket, close: boolean, entry: Entry'),
    concrete(8, 'StoreInCache', 'socket: Socket, close: boolean, entry: Entry', 'socket: Socket, close: boolean, entry: Entry', {
      locks: [{ lock: 0, mode: 'write', elevated: false }],
    }),
    concrete(9, 'Refresh', 'socket: Socket, close: boolean, entry: Entry', 'socket: Socket, close: boolean, entry: Entry', { handler: 'FourOhFor' }),
    concrete(10, 'Listen', '', 'socket: Socket'),
  ],
  sources: [{ node: 10, target: 0, session: 'SessionId' }],
};

/**
 * Two sources whose flows share nodes: `Log` is used by both top-level flows, `Parse` by two inner flows
 * of `Message`; the timer source is abstract.
 */
export const sharedNodes: ProgramIR = {
  irVersion: 1,
  program: 'shared',
  locks: [{ name: 'board', scope: 'program' }],
  predicates: [{ name: 'move', fn: 'IsMove' }],
  nodes: [
    concrete(0, 'Listen', '', 'socket: Socket'),
    abstract(1, 'Message', 'socket: Socket', '', [flow([2, 3, 6])]),
    concrete(2, 'ReadMessage', 'socket: Socket', 'socket: Socket, kind: string'),
    abstract(3, 'Handle', 'socket: Socket, kind: string', 'socket: Socket', [flow([4, 7], [any, pred(0)]), flow([5, 7])]),
    concrete(4, 'DoMove', 'socket: Socket, kind: string', 'socket: Socket, kind: string', { locks: [{ lock: 0, mode: 'write', elevated: false }] }),
    concrete(5, 'DoChat', 'socket: Socket, kind: string', 'socket: Socket, kind: string'),
    concrete(6, 'Log', 'socket: Socket', ''),
    concrete(7, 'Parse', 'socket: Socket, kind: string', 'socket: Socket'),
    abstract(8, 'Tick', '', 'socket: Socket', [flow([9])]),
    concrete(9, 'Wait', '', 'socket: Socket'),
    abstract(10, 'Update', 'socket: Socket', '', [flow([11, 6])], { locks: [{ lock: 0, mode: 'read', elevated: false }] }),
    concrete(11, 'SendBoard', 'socket: Socket', 'socket: Socket', { handler: 'Drop' }),
  ],
  sources: [
    { node: 0, target: 1, session: null },
    { node: 8, target: 10, session: null },
  ],
};
