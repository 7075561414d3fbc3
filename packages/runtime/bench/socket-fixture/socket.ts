// Implementation of socket.flux: a line server. Each line gets `options.bodyBytes` bytes back (a fresh copy of a
// body made in setup, as the web server copies a cached body out of shared memory for each response), after
// `options.workUs` microseconds of CPU in the node.
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import type { Conn, Implementation, SetupContext, SourceContext } from '../../src/api.ts';
import { io } from '../../src/io/index.ts';

let body = new Uint8Array(0);
let workUs = 0;

/** About `us` microseconds of CPU (parsing and building a response, in a real server). */
function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

export default {
  setup(ctx: SetupContext) {
    const bytes = Number(ctx.options['bodyBytes'] ?? 10_240);
    workUs = Number(ctx.options['workUs'] ?? 0);
    body = new Uint8Array(bytes).fill(120);
    body[bytes - 1] = 10; // '\n'
  },
  sources: {
    async Listen(ctx: SourceContext<[Conn, string]>) {
      const sockets = new Set<Socket>();
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.setNoDelay(true);
        const conn = io.register(socket);
        let buffered = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => {
          buffered += chunk;
          let i;
          while ((i = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, i);
            buffered = buffered.slice(i + 1);
            void ctx.emit(conn, line);
          }
        });
      });
      server.listen({ host: '127.0.0.1', port: 0 });
      await once(server, 'listening');
      const address = server.address();
      const report = ctx.options['onListening'];
      if (typeof report === 'function' && typeof address === 'object' && address !== null) report(address.port);
      if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  },
  sessions: { ConnSession: (conn: Conn) => conn.id },
  nodes: {
    Answer(conn: Conn) {
      if (workUs > 0) spin(workUs);
      io.write(conn, body.slice());
    },
  },
} satisfies Implementation;
