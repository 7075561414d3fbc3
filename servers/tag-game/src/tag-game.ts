/**
 * The tag game server's implementation module: the node, predicate, handler, session and source functions that
 * tag-game.flux wires together, checked against the program by the generated TagGameImplementation interface.
 */

import type { Client, Inbound } from './types.ts';
import type { SetupContext } from '@flux/runtime/api.ts';
import type { TagGameImplementation } from './tag-game.flux.ts';
import { setupState } from './state.ts';
import { listen } from './net/listen.ts';
import { clock } from './net/clock.ts';
import { Closed, Input, IsClosed, IsInput, IsJoin, IsRejoin, Join, ParseMessage, Refused, Rejoin, Unknown } from './nodes/messages.ts';
import { SendData, TickFailed, UpdateBoard, setFrameSharing } from './nodes/update.ts';

export default {
  setup(ctx: SetupContext) {
    setupState(ctx);
    // Under every runtime but event, SendData may write to connections another thread owns.
    setFrameSharing(ctx.runtime !== 'event');
  },
  // Under `workers` both sources run once, on the main thread, with their flows: one authority, no lock shared
  // across threads. Listen on every worker (src/tag-game-every-worker.ts) left joins waiting forever under
  // input load (README, "Under each runtime").
  sourceModes: { Listen: 'once', Clock: 'once' },
  sources: { Listen: listen, Clock: clock },
  sessions: {
    ClientSession: (client: Client, _inbound: Inbound) => client.conn.id,
  },
  nodes: { ParseMessage, Join, Rejoin, Input, Closed, Unknown, UpdateBoard, SendData },
  predicates: { IsJoin, IsRejoin, IsInput, IsClosed },
  handlers: { Refused, TickFailed },
} satisfies TagGameImplementation;
