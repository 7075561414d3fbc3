/**
 * The web server's implementation module: the node, predicate, handler, session and source functions that
 * web.flux wires together, checked against the program by the generated WebImplementation interface.
 */

import type { Conn, SetupContext, SourceContext } from '@flux/runtime/api.ts';
import { listenHttp } from '@flux/runtime/http/listen.ts';
import type { WebImplementation } from './web.flux.ts';
import { SERVER } from './http/response.ts';
import { readOptions } from './options.ts';
import { setupState } from './state.ts';
import { IsCached, Lookup, ReadRequest } from './nodes/request.ts';
import { FitsInCache, IsRedirect, ReadFile, Resolve, StoreInCache } from './nodes/disk.ts';
import { SendCached, SendFile, SendRedirect, StreamFile } from './nodes/send.ts';
import { BadRequest, NotFound, ReadFailed, ServerError, StreamFailed } from './nodes/handlers.ts';

export default {
  setup(ctx: SetupContext) {
    setupState(ctx);
  },
  // Under `workers` every worker listens (one shared port) and serves its own connections start to end.
  sourceModes: { Listen: 'every-thread' },
  sources: {
    // The runtime's HTTP/1.1 source: framing, pipelining, limits and timeouts, as set by this server's options.
    Listen(ctx: SourceContext<[conn: Conn, head: string]>) {
      return listenHttp(ctx, { ...readOptions(ctx.options), serverName: SERVER });
    },
  },
  sessions: {
    ConnSession: (conn: Conn) => conn.id,
  },
  nodes: { ReadRequest, Lookup, SendCached, Resolve, SendRedirect, ReadFile, StoreInCache, SendFile, StreamFile },
  predicates: { IsCached, IsRedirect, FitsInCache },
  handlers: { BadRequest, NotFound, ReadFailed, StreamFailed, ServerError },
} satisfies WebImplementation;
