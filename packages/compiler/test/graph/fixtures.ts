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

/**
 * The 2006 deadlock test after elevation: `C = E; D = F -> G;` with C:{x}, E:{y,z}, D:{z}, F:{y}, G:{x};
 * y and x are elevated into D, x into F.
 */
export const deadlockTest: ProgramIR = {
  irVersion: 1,
  program: 'deadlock',
  locks: [
    { name: 'x', scope: 'program' },
    { name: 'y', scope: 'program' },
    { name: 'z', scope: 'program' },
  ],
  predicates: [],
  nodes: [
    concrete(0, 'A', '', 'n: number'),
    concrete(1, 'B', '', 'n: number'),
    abstract(2, 'C', 'n: number', '', [flow([4])], { locks: [{ lock: 0, mode: 'write', elevated: false }] }),
    abstract(3, 'D', 'n: number', '', [flow([5, 6])], {
      locks: [
        { lock: 0, mode: 'write', elevated: true },
        { lock: 1, mode: 'write', elevated: true },
        { lock: 2, mode: 'write', elevated: false },
      ],
    }),
    concrete(4, 'E', 'n: number', '', {
      locks: [
        { lock: 1, mode: 'write', elevated: false },
        { lock: 2, mode: 'write', elevated: false },
      ],
    }),
    concrete(5, 'F', 'n: number', 'n: number', {
      locks: [
        { lock: 0, mode: 'write', elevated: true },
        { lock: 1, mode: 'write', elevated: false },
      ],
    }),
    concrete(6, 'G', 'n: number', '', { locks: [{ lock: 0, mode: 'write', elevated: false }] }),
  ],
  sources: [
    { node: 0, target: 2, session: null },
    { node: 1, target: 3, session: null },
  ],
};

/** A BitTorrent-like peer: five sources, a nine-way dispatch on the message type, a nested dispatch. */
export const peer: ProgramIR = (() => {
  const kinds = ['choke', 'unchoke', 'interested', 'uninterested', 'request', 'cancel', 'piece', 'bitfield', 'have'];
  const wire = 'peer: Peer, kind: string, body: Uint8Array';
  const bigLock: LockUseIR[] = [{ lock: 0, mode: 'write', elevated: false }];
  const names = [
    'Listen', 'Connect', 'TrackerTimer', 'ChokeTimer', 'KeepAliveTimer',
    'Message', 'ReadMessage', 'HandleMessage', 'MessageDone',
    ...kinds.map((k) => `Handle${k[0].toUpperCase()}${k.slice(1)}`),
    'CompletePiece', 'VerifyPiece', 'SendHave', 'SendUninterested',
    'Tracker', 'TrackerRequest', 'TrackerResponse', 'Choke', 'KeepAlive',
  ];
  const id = (name: string): number => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(name);
    return index;
  };
  const nodes = names.map((name, i): ConcreteNodeIR | AbstractNodeIR => {
    switch (name) {
      case 'Listen':
      case 'Connect':
        return concrete(i, name, '', 'peer: Peer');
      case 'TrackerTimer':
      case 'ChokeTimer':
      case 'KeepAliveTimer':
        return concrete(i, name, '', 'now: number');
      case 'Message':
        return abstract(i, name, 'peer: Peer', '', [flow([id('ReadMessage'), id('HandleMessage'), id('MessageDone')])], { locks: bigLock });
      case 'ReadMessage':
        return concrete(i, name, 'peer: Peer', wire, { handler: 'ClosePeer' });
      case 'HandleMessage':
        return abstract(i, name, wire, wire, [
          ...kinds.map((k, n) => flow(k === 'piece' ? [id('HandlePiece'), id('CompletePiece')] : [id(names[9 + n])], [any, pred(n), any])),
          flow([]),
        ]);
      case 'CompletePiece':
        return abstract(i, name, wire, wire, [flow([id('VerifyPiece'), id('SendHave'), id('SendUninterested')], [any, any, pred(kinds.length)]), flow([])]);
      case 'VerifyPiece':
        return concrete(i, name, wire, wire, { handler: 'ClosePeer' });
      case 'Tracker':
        return abstract(i, name, 'now: number', '', [flow([id('TrackerRequest'), id('TrackerResponse')])], { locks: bigLock });
      case 'TrackerRequest':
        return concrete(i, name, 'now: number', 'response: string', { handler: 'TrackerDown' });
      case 'TrackerResponse':
        return concrete(i, name, 'response: string', '', { locks: [{ lock: 1, mode: 'read', elevated: true }] });
      case 'Choke':
      case 'KeepAlive':
        return concrete(i, name, 'now: number', '', { locks: bigLock });
      case 'MessageDone':
        return concrete(i, name, wire, '');
      default:
        return concrete(i, name, wire, wire);
    }
  });
  return {
    irVersion: 1,
    program: 'peer',
    locks: [
      { name: 'BigLock', scope: 'program' },
      { name: 'peers', scope: 'program' },
    ],
    predicates: [...kinds.map((k) => ({ name: k, fn: `Is${k}` })), { name: 'piececomplete', fn: 'IsPieceComplete' }],
    nodes,
    sources: [
      { node: id('Listen'), target: id('Message'), session: 'PeerId' },
      { node: id('Connect'), target: id('Message'), session: 'PeerId' },
      { node: id('TrackerTimer'), target: id('Tracker'), session: null },
      { node: id('ChokeTimer'), target: id('Choke'), session: null },
      { node: id('KeepAliveTimer'), target: id('KeepAlive'), session: null },
    ],
  };
})();
