/**
 * The CPU server's implementation module: the functions cpu.flux wires together, checked against the program by
 * the generated CpuImplementation interface.
 */

import type { Conn, SetupContext, SourceContext } from '@flux/runtime/api.ts';
import { listenHttp } from '@flux/runtime/http/listen.ts';
import type { CpuImplementation } from './cpu.flux.ts';
import { readOptions } from './options.ts';
import { BadRequest, Digest, ReadRequest, Reply, SERVER, ServerError, useOptions } from './nodes.ts';

export default {
  setup(ctx: SetupContext) {
    useOptions(readOptions(ctx.options));
  },
  // Under `workers` every worker listens (one shared port) and hashes for its own connections.
  sourceModes: { Listen: 'every-thread' },
  sources: {
    Listen(ctx: SourceContext<[conn: Conn, head: string]>) {
      return listenHttp(ctx, { ...readOptions(ctx.options), serverName: SERVER });
    },
  },
  sessions: {
    ConnSession: (conn: Conn) => conn.id,
  },
  nodes: { ReadRequest, Digest, Reply },
  predicates: {},
  handlers: { BadRequest, ServerError },
} satisfies CpuImplementation;
