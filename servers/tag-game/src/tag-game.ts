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
  // Under `workers` every worker serves its own connections on the one port; the clock ticks once, on main,
  // and its flow writes to every worker's connections through io. The world is one, in shared memory.
  sourceModes: { Listen: 'every-thread', Clock: 'once' },
  sources: { Listen: listen, Clock: clock },
  sessions: {
    ClientSession: (client: Client, _inbound: Inbound) => client.conn.id,
  },
  nodes: { ParseMessage, Join, Rejoin, Input, Closed, Unknown, UpdateBoard, SendData },
  predicates: { IsJoin, IsRejoin, IsInput, IsClosed },
  handlers: { Refused, TickFailed },
} satisfies TagGameImplementation;
